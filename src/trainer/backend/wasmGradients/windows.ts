// Where the forward pass's filter windows lie, as edges for fitSpatial: the gradient kernels
// re-read the input (filter gradients) or scatter back into it (input gradients) over exactly
// those windows.
import { pad, reshape, slice } from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './convGeometry';
import { fitSpatial, isZeroPadding } from './spatialFit';
import type { SpatialEdges } from './spatialFit';

/**
 * Edges of the input region that the forward windows cover: padTop/padLeft zeros before, and
 * after, as many rows/columns as the last window needs (negative where the forward pass never
 * read the input's last rows, as 'valid' padding with a stride can do).
 */
export function forwardWindowEdges(g: ConvGeometry): SpatialEdges {
  const neededHeight = (g.outHeight - 1) * g.strideHeight + g.filterHeight;
  const neededWidth = (g.outWidth - 1) * g.strideWidth + g.filterWidth;
  return {
    top: g.padTop,
    bottom: neededHeight - g.padTop - g.inHeight,
    left: g.padLeft,
    right: neededWidth - g.padLeft - g.inWidth,
  };
}

/**
 * The input gradient is a full correlation of dy, spread out by the stride, with the flipped
 * filter: dx[i] = Σ_k dyStretched[i + padTop − (KH−1) + k] · flip(w)[k]. These are the edges that
 * turn it into a 'valid' stride-1 convolution of dyStretched (`stretchedHeight` rows long).
 */
export function inputGradientEdges(g: ConvGeometry, stretchedHeight: number, stretchedWidth: number): SpatialEdges {
  const top = g.filterHeight - 1 - g.padTop;
  const left = g.filterWidth - 1 - g.padLeft;
  return {
    top,
    bottom: g.inHeight + g.filterHeight - 1 - top - stretchedHeight,
    left,
    right: g.inWidth + g.filterWidth - 1 - left - stretchedWidth,
  };
}

/**
 * dy with stride−1 zeros after every row and column ([N, OH·sH, OW·sW, C]), the input of a
 * transposed convolution. The trailing zeros are harmless: inputGradientEdges accounts for them.
 */
export function stretchByStrides(dy: Tensor4D, strideHeight: number, strideWidth: number): Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [batch, height, width, channels] = dy.shape;
  const spread = pad(reshape(dy, [batch, height, 1, width, 1, channels]), [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return reshape(spread, [batch, height * strideHeight, width * strideWidth, channels]);
}

/**
 * The input under a 1×1 filter at every output position, xPadded[n, oh·sH, ow·sW, c], as
 * [N, OH, OW, C]. For a stride it takes every sH-th row and sW-th column by reshaping to
 * [N, OH, sH, OW, sW, C] and slicing index 0 of the stride axes: a block copy, where wasm's
 * StridedSlice walks element by element.
 */
export function pointwiseWindows(x: Tensor4D, g: ConvGeometry): Tensor4D {
  const fitted = fitSpatial(x, {
    top: g.padTop,
    bottom: g.outHeight * g.strideHeight - g.padTop - g.inHeight,
    left: g.padLeft,
    right: g.outWidth * g.strideWidth - g.padLeft - g.inWidth,
  });
  const padded = isZeroPadding(fitted.pad) ? fitted.tensor : pad(fitted.tensor, fitted.pad);
  if (g.strideHeight === 1 && g.strideWidth === 1) return padded;
  const [batch, , , channels] = padded.shape;
  const grid = reshape(padded, [batch, g.outHeight, g.strideHeight, g.outWidth, g.strideWidth, channels]);
  const picked = slice(grid, [0, 0, 0, 0, 0, 0], [batch, g.outHeight, 1, g.outWidth, 1, channels]);
  return reshape(picked, [batch, g.outHeight, g.outWidth, channels]);
}
