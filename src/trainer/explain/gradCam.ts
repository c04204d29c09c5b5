// Grad-CAM (Selvaraju et al. 2017, https://arxiv.org/abs/1610.02391): each channel of the last
// convolutional feature map is weighed by the mean gradient of the class score over its
// positions; the ReLU of the weighted sum is where the evidence for that class lies.
// HiResCAM (Draelos & Carin 2020, https://arxiv.org/abs/2011.08891) multiplies each position by
// its own gradient instead of the mean: the same map when the features are globally pooled (the
// gradient is then equal at every position), and a faithful one when they are flattened into
// dense layers, where averaging gradients of opposite sign often leaves Grad-CAM's map empty.
import { grad, mean, mul, oneHot, relu, sum, tensor1d, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { ClassifierGraph } from './classifierGraph';

export interface CoarseMaps {
  /** count × height × width, row-major, ≥ 0, at the feature map's resolution. */
  values: Float32Array;
  count: number;
  height: number;
  width: number;
}

/**
 * Grad-CAM (or, per position, HiResCAM) maps of `classes[i]` for each image (the feature map's resolution, not
 * normalised).
 */
export function gradCam(
  graph: ClassifierGraph,
  images: Tensor4D,
  classes: readonly number[],
  weighting: 'mean' | 'per-position' = 'mean',
): CoarseMaps {
  return tidy(() => {
    const features = graph.toFeatures(images);
    const classCount = graph.fromFeatures(features).shape[1];
    const selected = oneHot(tensor1d(Array.from(classes), 'int32'), classCount);
    const gradients = grad((map: Tensor) => sum(mul(graph.fromFeatures(map as Tensor4D), selected)))(features);
    const weights = weighting === 'mean' ? mean(gradients, [1, 2], true) : gradients;
    const cam = relu(sum(mul(features, weights), 3));
    const [count, height, width] = cam.shape as [number, number, number];
    return { values: cam.dataSync() as Float32Array, count, height, width };
  });
}
