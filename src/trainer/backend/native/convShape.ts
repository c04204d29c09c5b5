// The 18 numbers the native convolution takes (native/src/convolution.h, ConvShape), from
// tfjs-core's own conv geometry, so 'same', 'valid', explicit and rounded padding split exactly as
// the other backends split them.
import { backend_util } from '@tensorflow/tfjs-core';
import type { ConvGeometryAttrs } from '../wasmGradients/convGeometry';

export const CONV_SHAPE_FIELDS = 18;

export interface NativeConvShape {
  fields: Int32Array;
  /** NHWC output shape of the forward pass. */
  outShape: [number, number, number, number];
}

type Shape4 = [number, number, number, number];

/**
 * @param xShape NHWC input of the forward pass.
 * @param filterShape [KH, KW, Ci, Co], or [KH, KW, C, multiplier] when depthwise.
 * @returns undefined where oneDNN cannot express the geometry (a padding that would be negative).
 */
export function nativeConvShape(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGeometryAttrs,
  depthwise: boolean,
): NativeConvShape | undefined {
  const info = backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  const bottom = fitPadding(
    info.inHeight,
    info.padInfo.top,
    info.padInfo.bottom,
    info.filterHeight,
    info.dilationHeight,
    info.strideHeight,
    info.outHeight,
  );
  const right = fitPadding(
    info.inWidth,
    info.padInfo.left,
    info.padInfo.right,
    info.filterWidth,
    info.dilationWidth,
    info.strideWidth,
    info.outWidth,
  );
  if (bottom === undefined || right === undefined) return undefined;
  const fields = Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    info.outChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
    bottom,
    right,
    depthwise ? info.inChannels : 1,
  ]);
  return { fields, outShape: [info.batchSize, info.outHeight, info.outWidth, info.outChannels] };
}

/**
 * oneDNN derives the output size as ⌊(in + before + after − reach) / stride⌋ + 1 and insists that
 * it match. tfjs's rounding modes can give one more row than that: padding after the input with
 * more zeros gives the same sums. A padding that would have to be negative is left to the wasm kernel.
 */
function fitPadding(
  size: number,
  before: number,
  after: number,
  filter: number,
  dilation: number,
  stride: number,
  out: number,
): number | undefined {
  const reach = (filter - 1) * dilation + 1;
  if (Math.floor((size + before + after - reach) / stride) + 1 === out) return after;
  const fitted = (out - 1) * stride + reach - size - before;
  return fitted >= 0 ? fitted : undefined;
}
