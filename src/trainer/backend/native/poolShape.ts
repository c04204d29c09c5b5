// The 12 numbers the native pooling takes (native/src/pooling.h, PoolShape), from tfjs-core's own
// pooling geometry, so 'same', 'valid', numeric padding and rounding modes split exactly as the
// other backends split them.
import { backend_util } from '@tensorflow/tfjs-core';
import type { MaxPoolAttrs } from '@tensorflow/tfjs-core';

export const POOL_SHAPE_FIELDS = 12;

/** MaxPool's, AvgPool's and their gradients' attributes (AvgPoolGrad has no rounding mode). */
export type PoolGeometryAttrs = MaxPoolAttrs;

export interface NativePoolShape {
  fields: Int32Array;
  /** NHWC output shape of the forward pass. */
  outShape: [number, number, number, number];
}

/** undefined where the addon does not apply: not NHWC, dilated, a negative padding or an empty tensor. */
export function nativePoolShape(xShape: readonly number[], attrs: PoolGeometryAttrs): NativePoolShape | undefined {
  if (xShape.length !== 4 || xShape.some((size) => !(size > 0))) return undefined;
  const info = backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  if (info.padInfo.top < 0 || info.padInfo.left < 0 || !(info.outHeight > 0) || !(info.outWidth > 0)) {
    return undefined;
  }
  const fields = Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]);
  return { fields, outShape: [info.batchSize, info.outHeight, info.outWidth, info.outChannels] };
}
