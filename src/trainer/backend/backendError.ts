// The backend could not start (a package missing or broken, none of auto's choices working) or
// failed while training (a WebGPU read-back that never completes). Its message says what to
// install or choose instead.
export class BackendError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackendError';
  }
}
