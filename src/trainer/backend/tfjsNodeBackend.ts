// TensorFlow's C library through @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA).
// Both register a tfjs backend named 'tensorflow'. Neither installs here (their install script
// downloads libtensorflow), so they are optional: loaded where the user installed one. Loading
// fails when libtensorflow or what it links is missing; that is reported with what to do
// (nativeLoadAdvice.ts), not fatal. tfjs-node-gpu also "loads" without CUDA: TensorFlow opens
// CUDA's libraries only when it starts and, missing them, warns and runs on the CPU, so the GPU
// package is only taken when the backend says it is using a GPU.
import type { BackendActivator, BackendAttempt } from './backendAttempt';
import { errorSummary, isModuleMissing } from './moduleLoader';
import { nativeLoadAdvice, noGpuDeviceAdvice } from './nativeLoadAdvice';
import { startBackend } from './startBackend';
import { errorMessage } from '../../shared/errors/errorMessage';

export const TFJS_NODE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

export function tfjsNodeActivator(kind: keyof typeof TFJS_NODE_PACKAGES): BackendActivator {
  const pkg = TFJS_NODE_PACKAGES[kind];
  return async ({ loadModule, locateModule, engine, log }): Promise<BackendAttempt> => {
    const where = locateModule?.(pkg);
    const from = where === undefined ? '' : ` (in ${where})`;
    try {
      // Loading registers the backend (and makes it current).
      await loadModule(pkg);
    } catch (error) {
      if (isModuleMissing(error, pkg)) return { ok: false, reason: 'missing', note: `${pkg} is not installed` };
      const advice = nativeLoadAdvice(pkg, errorMessage(error));
      return {
        ok: false,
        reason: 'failed',
        note:
          `${pkg} is installed${from} but failed to load: ${errorSummary(error)}` +
          `${advice === undefined ? '' : `. ${advice}`}`,
      };
    }
    const started = await startBackend(engine, 'tensorflow', log);
    if (!started.ok)
      return {
        ok: false,
        reason: 'failed',
        note: `${pkg}${from} loaded but its backend did not start: ${started.reason}`,
      };
    if (kind === 'tensorflow-gpu' && usesGpu(engine.findBackend?.('tensorflow')) === false) {
      return { ok: false, reason: 'failed', note: noGpuDeviceAdvice(`${pkg}${from}`) };
    }
    return { ok: true, notes: [`TensorFlow C library through ${pkg}${from}`] };
  };
}

/** tfjs-node's backend says whether TensorFlow registered a GPU (NodeJSKernelBackend.isUsingGpuDevice). */
function usesGpu(backend: unknown): boolean | undefined {
  if (typeof backend !== 'object' || backend === null || !('isUsingGpuDevice' in backend)) return undefined;
  return typeof backend.isUsingGpuDevice === 'boolean' ? backend.isUsingGpuDevice : undefined;
}
