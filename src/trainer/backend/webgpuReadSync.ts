// dataSync() on tfjs-backend-webgpu in Node. The backend's readSync copies the buffer through an
// OffscreenCanvas (a browser trick for reading a GPU buffer without awaiting), and Node has no
// OffscreenCanvas, so every dataSync() fails with "OffscreenCanvas is not defined". The trainer
// reads each batch's loss and predictions with dataSync(), so without this WebGPU cannot train.
// Here readSync does what the backend's async read() does (copy to a mappable staging buffer,
// map it) and waits for the mapping by pumping Dawn's events (dawnEventPump.ts).
import { util } from '@tensorflow/tfjs-core';
import type { BackendValues, DataType } from '@tensorflow/tfjs-core';
import { BackendError } from './backendError';
import type { DawnEventPump } from './dawnEventPump';

// WebGPU's constants (https://www.w3.org/TR/webgpu/#buffer-usage): fixed by the spec, so they
// need not be read from the `webgpu` package's globals.
const MAP_READ = 0x0001;
const COPY_DST = 0x0008;
const MAP_MODE_READ = 0x0001;

/** A single read waits at most this long: lavapipe is slow, but a stuck mapping must not hang the run. */
const READ_TIMEOUT_MS = 10 * 60_000;

interface GpuBufferLike {
  size: number;
  mapState: string;
  mapAsync: (mode: number) => Promise<void>;
  getMappedRange: () => ArrayBuffer;
  unmap: () => void;
}

interface TensorDataLike {
  values: BackendValues | null;
  dtype: DataType;
  resource: unknown;
}

/** The parts of tfjs-backend-webgpu's WebGPUBackend used here (all public in its typings). */
interface WebgpuBackendLike {
  device: {
    queue: { submit: (commands: unknown[]) => void };
    createCommandEncoder: () => { copyBufferToBuffer: (...args: unknown[]) => void; finish: () => unknown };
  };
  bufferManager: {
    acquireBuffer: (size: number, usage: number) => GpuBufferLike;
    releaseBuffer: (buffer: GpuBufferLike) => void;
  };
  tensorMap: { get: (dataId: object) => TensorDataLike | undefined };
  ensureCommandEncoderReady: () => void;
  endComputePassEncoder: () => void;
  submitQueue: () => void;
  readSync: (dataId: object) => BackendValues;
}

/**
 * Replaces readSync on the webgpu backend instance. Returns false (changing nothing) when the
 * backend does not look like tfjs-backend-webgpu 4.x, so a future version keeps its own.
 */
export function patchWebgpuReadSync(backend: unknown, events: DawnEventPump): boolean {
  if (!isWebgpuBackend(backend)) return false;
  const original = backend.readSync.bind(backend);
  backend.readSync = (dataId: object): BackendValues => {
    const data = backend.tensorMap.get(dataId);
    // Values already on the CPU, strings and complex numbers (read part by part, through this
    // readSync again) take the backend's own path, which needs no canvas for them.
    if (
      data === undefined ||
      data.values != null ||
      data.dtype === 'string' ||
      data.dtype === 'complex64' ||
      !isGpuBuffer(data.resource)
    ) {
      return original(dataId);
    }
    const values = util.convertBackendValuesAndArrayBuffer(readBufferSync(backend, data.resource, events), data.dtype);
    // As the backend's read() does: later reads of this tensor need no GPU round trip.
    data.values = values;
    return values;
  };
  return true;
}

function readBufferSync(backend: WebgpuBackendLike, buffer: GpuBufferLike, events: DawnEventPump): ArrayBuffer {
  const staging = backend.bufferManager.acquireBuffer(buffer.size, COPY_DST | MAP_READ);
  try {
    // Submit the backend's pending kernels first; the queue keeps the copy after them.
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
    const encoder = backend.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
    backend.device.queue.submit([encoder.finish()]);
    // A failed mapping also shows in mapState (back to 'unmapped'); the rejection carries no more.
    staging.mapAsync(MAP_MODE_READ).catch(() => undefined);
    waitWhilePending(staging, events);
    if (staging.mapState !== 'mapped')
      throw new BackendError(`WebGPU: reading a tensor back failed (its staging buffer is ${staging.mapState})`);
    const values = staging.getMappedRange().slice(0);
    staging.unmap();
    return values;
  } finally {
    backend.bufferManager.releaseBuffer(staging);
  }
}

function waitWhilePending(staging: GpuBufferLike, events: DawnEventPump): void {
  const deadline = performance.now() + READ_TIMEOUT_MS;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let idle = 0;
  for (let round = 0; staging.mapState === 'pending'; round++) {
    if (events.pump() === 0) {
      // Dawn schedules its next tick from inside each one; none means it is not polling at all.
      if (++idle > 100)
        throw new BackendError('WebGPU: Dawn stopped processing events while a tensor was being read back');
    } else {
      idle = 0;
    }
    if (staging.mapState !== 'pending') break;
    if (performance.now() > deadline)
      throw new BackendError(`WebGPU: reading a tensor back took longer than ${READ_TIMEOUT_MS / 1000} s`);
    // Spin briefly (small reads finish at once), then sleep between polls so that a software
    // rasteriser's own threads get the CPU this thread would otherwise burn.
    if (round > 20) Atomics.wait(sleeper, 0, 0, Math.min(1, 0.02 * (round - 20)));
  }
}

function isWebgpuBackend(value: unknown): value is WebgpuBackendLike {
  if (typeof value !== 'object' || value === null) return false;
  const backend = value as Partial<Record<keyof WebgpuBackendLike, unknown>>;
  const functions: (keyof WebgpuBackendLike)[] = [
    'ensureCommandEncoderReady',
    'endComputePassEncoder',
    'submitQueue',
    'readSync',
  ];
  return (
    functions.every((key) => typeof backend[key] === 'function') &&
    typeof backend.device === 'object' &&
    backend.device !== null &&
    typeof backend.bufferManager === 'object' &&
    backend.bufferManager !== null &&
    typeof backend.tensorMap === 'object' &&
    backend.tensorMap !== null
  );
}

function isGpuBuffer(resource: unknown): resource is GpuBufferLike {
  return (
    typeof resource === 'object' &&
    resource !== null &&
    'mapAsync' in resource &&
    typeof (resource as { size?: unknown }).size === 'number'
  );
}
