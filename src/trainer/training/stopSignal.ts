// A stop request from the user (IPC `stop`, SIGTERM, Ctrl-C): training checks it after every
// batch, so a stop ends the current batch, then the run saves what it has.
export class StopSignal {
  private reason: string | null = null;

  request(reason: string): void {
    this.reason ??= reason;
  }

  get requested(): boolean {
    return this.reason !== null;
  }

  get why(): string | null {
    return this.reason;
  }
}

/** Thrown inside a phase when a stop was requested; the pipeline catches it and ends the run as stopped. */
export class StopRequested extends Error {
  constructor(reason: string) {
    super(`stopped: ${reason}`);
    this.name = 'StopRequested';
  }
}
