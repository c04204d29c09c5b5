// What every weight-file reader produces, whatever the format: named tensors as float32 with
// their shapes as the file gives them (PyTorch's layout: convolution kernels [out, in, h, w]),
// plus what the file says about itself. The mapping onto an architecture
// (loadTorchvisionWeights.ts) takes only this, so a new format is a new reader and nothing else.

import type { WeightFileFormat } from '../../shared/weights/weightFileDescription';

export interface TensorEntry {
  /** Dimensions as stored, outermost first; [] for a scalar. */
  shape: number[];
  /** Row-major values, converted to float32 (integers exactly up to 2^24). */
  values: Float32Array;
  /** The element type as the file stored it, in safetensors' words: F32, F16, BF16, F64, I64… */
  sourceDtype: string;
}

export interface TensorMap {
  format: WeightFileFormat;
  /** Tensors by the file's own names (state-dict keys for PyTorch), in the file's order. */
  tensors: Map<string, TensorEntry>;
  /** The file's free-form metadata (safetensors' `__metadata__`), or empty. */
  metadata: Record<string, string>;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** A weight file that cannot be read: its message names the file and what is wrong at which byte or key. */
export class WeightFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WeightFileError';
  }
}
