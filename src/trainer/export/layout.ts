// TF.js keeps images channels last (NHWC) and kernels as [height, width, in, out]; ONNX's Conv and
// pools take NCHW and [out, in, height, width]. Rank-4 values of the exported graph are NCHW, so
// an axis TF.js names is moved, and weights are transposed once, here.
import type { OnnxGraphBuilder, OnnxValue } from './onnxGraphBuilder';
import { ints } from './onnxGraphBuilder';

export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

/** The values of a row-major array of `shape` with its axes reordered: output axis i is input axis perm[i]. */
export function transposeValues(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) strides[axis] = (strides[axis + 1] ?? 1) * (shape[axis + 1] ?? 1);
  const outShape = perm.map((axis) => shape[axis] ?? 1);
  const outStrides = perm.map((axis) => strides[axis] ?? 0);
  const result = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  for (let out = 0; out < result.length; out++) {
    let source = 0;
    for (let axis = 0; axis < rank; axis++) source += (index[axis] ?? 0) * (outStrides[axis] ?? 0);
    result[out] = values[source] ?? 0;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] ?? 0) + 1;
      if ((index[axis] ?? 0) < (outShape[axis] ?? 1)) break;
      index[axis] = 0;
    }
  }
  return result;
}

export function permuteShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((axis) => shape[axis] ?? 1);
}

/** The ONNX axis of a TF.js axis (negative counts from the end) of a value of `rank`. */
export function onnxAxis(axis: number, rank: number): number {
  const positive = axis < 0 ? axis + rank : axis;
  if (rank !== 4) return positive;
  return [0, 2, 3, 1][positive] ?? positive;
}

/** The value as TF.js lays it out (NHWC for rank 4), for layers that see the memory order: Flatten, Reshape. */
export function toTfjsLayout(builder: OnnxGraphBuilder, value: OnnxValue, base: string): string {
  if (value.shape.length !== 4) return value.name;
  return builder.node('Transpose', [value.name], `${base}_nhwc`, { perm: ints(NCHW_TO_NHWC) });
}
