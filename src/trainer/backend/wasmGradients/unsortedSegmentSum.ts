// UnsortedSegmentSum for the wasm backend, which tfjs-backend-wasm 4.22 lacks. It is the gradient
// of Gather (tf.gather, embedding lookups). One pass in JavaScript over data the wasm backend
// hands over synchronously: O(size of x), where the cpu backend's one-mask-per-segment approach is
// O(size of x · numSegments). Ids outside [0, numSegments) are dropped, as the cpu backend does.
import { UnsortedSegmentSum, tensor, tidy } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { inputTensor, kernelBackend } from './kernelTensors';

export const unsortedSegmentSumWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = kernelBackend(UnsortedSegmentSum, backend);
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  return tidy(() => {
    const x = inputTensor(UnsortedSegmentSum, inputs, 'x', wasm);
    const segmentIds = inputTensor(UnsortedSegmentSum, inputs, 'segmentIds', wasm);
    // As in TensorFlow, the ids' shape is a prefix of x's; each id selects a block of the rest.
    const idsShape = segmentIds.shape;
    if (!idsShape.every((size, axis) => x.shape[axis] === size)) {
      throw new Error(
        `${UnsortedSegmentSum} (MedTransfer wasm kernel): segmentIds shape [${idsShape.join(', ')}] ` +
          `must be a prefix of x shape [${x.shape.join(', ')}].`,
      );
    }
    if (x.dtype !== 'float32' && x.dtype !== 'int32') {
      throw new Error(`${UnsortedSegmentSum} (MedTransfer wasm kernel): x must be float32 or int32, got ${x.dtype}.`);
    }
    const blockShape = x.shape.slice(idsShape.length);
    const blockSize = blockShape.reduce((a, b) => a * b, 1);
    const values = x.dataSync();
    const ids = segmentIds.dataSync();
    const out =
      x.dtype === 'int32' ? new Int32Array(numSegments * blockSize) : new Float32Array(numSegments * blockSize);
    for (let i = 0; i < ids.length; i++) {
      const id = Number(ids[i]);
      if (!(id >= 0 && id < numSegments)) continue;
      const from = i * blockSize;
      const to = id * blockSize;
      for (let j = 0; j < blockSize; j++) out[to + j] = (out[to + j] ?? 0) + Number(values[from + j] ?? 0);
    }
    return tensor(out, [numSegments, ...blockShape], x.dtype);
  });
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm,
};
