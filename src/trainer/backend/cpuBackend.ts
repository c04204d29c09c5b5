// tfjs-backend-cpu: plain JavaScript, always there, about 300× slower than wasm for training a
// CNN (DESIGN.md): the last resort.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { findBackendFactory, registerBackend } from '@tensorflow/tfjs-core';
import type { BackendActivator, BackendAttempt } from './backendAttempt';
import { startBackend } from './startBackend';

export const cpuActivator: BackendActivator = async ({ engine, log }): Promise<BackendAttempt> => {
  ensureCpuBackend();
  const started = await startBackend(engine, 'cpu', log);
  if (!started.ok) return { ok: false, reason: 'failed', note: `did not start: ${started.reason}` };
  return { ok: true, notes: ['plain JavaScript (slow: for small models and tests)'] };
};

/**
 * Loading the package registers the backend, but a bare `import '@tensorflow/tfjs-backend-cpu'`
 * is dropped by esbuild: the package's "sideEffects" list leaves out its Node entry
 * (dist/tf-backend-cpu.node.js). Using a value from it keeps it in the bundle; registering here
 * too costs nothing where it is already registered (priority 1, as the package does).
 */
function ensureCpuBackend(): void {
  if (findBackendFactory('cpu') == null) registerBackend('cpu', () => new MathBackendCPU(), 1);
}
