// Fits an NHWC tensor to a window whose edges may lie outside it: edges beyond the tensor become
// explicit zero padding for the convolution that consumes it (wasm's Conv2D and
// DepthwiseConv2dNative pad inside XNNPACK, saving a copy), edges inside it are sliced off.
import { slice } from '@tensorflow/tfjs-core';
import type { Tensor4D, backend_util } from '@tensorflow/tfjs-core';

/** Explicit NHWC padding in the form tfjs convolutions accept. */
export type ExplicitPadding = backend_util.ExplicitPadding;

export interface SpatialEdges {
  /** Rows to add above (negative: rows to drop from the top). */
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface FittedInput {
  tensor: Tensor4D;
  pad: ExplicitPadding;
}

export function fitSpatial(t: Tensor4D, edges: SpatialEdges): FittedInput {
  const [batch, height, width, channels] = t.shape;
  const dropTop = Math.max(0, -edges.top);
  const dropBottom = Math.max(0, -edges.bottom);
  const dropLeft = Math.max(0, -edges.left);
  const dropRight = Math.max(0, -edges.right);
  const cropped =
    dropTop + dropBottom + dropLeft + dropRight === 0
      ? t
      : slice(
          t,
          [0, dropTop, dropLeft, 0],
          [batch, height - dropTop - dropBottom, width - dropLeft - dropRight, channels],
        );
  return {
    tensor: cropped,
    pad: [
      [0, 0],
      [Math.max(0, edges.top), Math.max(0, edges.bottom)],
      [Math.max(0, edges.left), Math.max(0, edges.right)],
      [0, 0],
    ],
  };
}

/** All padding zero: pass 'valid' rather than explicit zeros. */
export function isZeroPadding(pad: ExplicitPadding): boolean {
  return pad.every(([before, after]) => before === 0 && after === 0);
}
