// tfjs-backend-wasm (XNNPACK, SIMD): always installed, the fastest backend on a machine without
// tfjs-node or a GPU. Before it starts: the .wasm files' folder (a bundle ships them in
// dist/wasm), our gradient kernels (wasm lacks several that training needs), the thread count.
import { availableParallelism } from 'node:os';
import { env } from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendActivator, BackendAttempt } from './backendAttempt';
import { errorSummary } from './moduleLoader';
import { withoutNewProcessHandlers } from './processHandlers';
import { startBackend } from './startBackend';
import { resolveWasmDir } from './wasmDir';
import { registerWasmGradientKernels } from './wasmGradients/registerWasmGradientKernels';
import { unregisterNativeKernels } from './native/registerNativeKernels';
import { counted } from '../../shared/text/plural';

export const wasmActivator: BackendActivator = async ({ engine, log, wasmDir }): Promise<BackendAttempt> => {
  let dir: string;
  try {
    dir = resolveWasmDir(wasmDir === undefined ? {} : { wasmDir });
    setWasmPaths(dir);
  } catch (error) {
    return { ok: false, reason: 'failed', note: errorSummary(error) };
  }
  // XNNPACK's thread pool size. Only the threaded build uses it, and tfjs never loads that build
  // in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there: tensorflow/tfjs#3830; forced on, its
  // pthread workers come from blob: URLs that Node's Worker rejects, ERR_WORKER_PATH). Set anyway
  // so a browser or a future tfjs gets all cores.
  setThreadsCount(availableParallelism());
  // Plain wasm, even where an earlier activation in this process put the native kernels in place.
  unregisterNativeKernels();
  const kernels = registerWasmGradientKernels();
  const started = await withoutNewProcessHandlers(() => startBackend(engine, 'wasm', log));
  if (!started.ok)
    return { ok: false, reason: 'failed', note: `did not start (binaries from ${dir}): ${started.reason}` };
  const notes = [`${await buildDescription()}, binaries from ${dir}`];
  if (kernels.added.length > 0 || kernels.replaced.length > 0) {
    notes.push(
      `MedTransfer gradient kernels: added ${kernels.added.join(', ') || 'none'}; ` +
        `replaced ${kernels.replaced.join(', ') || 'none'}`,
    );
  }
  return { ok: true, notes };
};

async function buildDescription(): Promise<string> {
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    // Not initialised by this engine (a test's fake): report the single-threaded default.
  }
  const cores = availableParallelism();
  const threadNote = threads < cores ? ` (the threaded build does not load in Node; ${cores} cores here)` : '';
  return `${simd ? 'SIMD' : 'plain (no SIMD)'} build, ${counted(threads, 'thread')}${threadNote}`;
}
