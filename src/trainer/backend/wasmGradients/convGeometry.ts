// The geometry of a 2-D (depthwise) convolution's forward pass, reduced to the numbers the
// gradient kernels need. tfjs-core's own computeConv2DInfo does the padding arithmetic, so 'same'
// padding splits exactly as the forward kernels (and TensorFlow) split it.
import { backend_util } from '@tensorflow/tfjs-core';

export type ConvPad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

export interface ConvGeometryAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Rows and columns of zeros the forward pass put before the input. */
  padTop: number;
  padLeft: number;
}

/**
 * @param xShape NHWC input shape of the forward pass.
 * @param filterShape [KH, KW, Ci, Co] (conv2d) or [KH, KW, Ci, multiplier] (depthwise).
 */
export function convGeometry(
  kernelName: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGeometryAttrs,
  depthwise: boolean,
): ConvGeometry {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(
      `${kernelName} on wasm (MedTransfer kernel): only NHWC data is supported, got ${attrs.dataFormat}.`,
    );
  }
  const dilations = attrs.dilations ?? 1;
  if (!backend_util.tupleValuesAreOne(dilations)) {
    throw new Error(
      `${kernelName} on wasm (MedTransfer kernel): dilations other than 1 are not supported, got ${String(dilations)}.`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    shape4(kernelName, 'input', xShape),
    shape4(kernelName, 'filter', filterShape),
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function shape4(kernelName: string, what: string, shape: readonly number[]): [number, number, number, number] {
  const [a, b, c, d] = shape;
  if (shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(
      `${kernelName} on wasm (MedTransfer kernel): ${what} must be rank 4, got shape [${shape.join(', ')}].`,
    );
  }
  return [a, b, c, d];
}
