// TensorFlow's C library through @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA).
// Both register a tfjs backend named 'tensorflow'. Neither installs here (their install script
// downloads libtensorflow), so they are optional: loaded where the user installed one. Loading
// fails when libtensorflow or the CUDA libraries it links are missing; that is reported, not fatal.
import type { BackendActivator, BackendAttempt } from './backendAttempt';
import { errorSummary, isModuleMissing } from './moduleLoader';
import { startBackend } from './startBackend';

export const TFJS_NODE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

export function tfjsNodeActivator(kind: keyof typeof TFJS_NODE_PACKAGES): BackendActivator {
  const pkg = TFJS_NODE_PACKAGES[kind];
  return async ({ loadModule, engine, log }): Promise<BackendAttempt> => {
    try {
      // Loading registers the backend (and makes it current).
      await loadModule(pkg);
    } catch (error) {
      return isModuleMissing(error, pkg)
        ? { ok: false, reason: 'missing', note: `${pkg} is not installed` }
        : { ok: false, reason: 'failed', note: `${pkg} is installed but failed to load: ${errorSummary(error)}` };
    }
    const started = await startBackend(engine, 'tensorflow', log);
    if (!started.ok) return { ok: false, reason: 'failed', note: `${pkg} loaded but its backend did not start: ${started.reason}` };
    return { ok: true, notes: [`TensorFlow C library through ${pkg}`] };
  };
}
