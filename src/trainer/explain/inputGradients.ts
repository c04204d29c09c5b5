// Gradient maps on the input pixels, for models without a convolutional feature map: the plain
// gradient of the class score, and SmoothGrad (Smilkov et al. 2017,
// https://arxiv.org/abs/1706.03825), its average over copies of the image with Gaussian noise,
// which removes most of the gradient's pixel-to-pixel noise.
import { add, grad, mul, oneHot, sum, tensor1d, tensor4d, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../random';
import type { ClassifierGraph } from './classifierGraph';
import type { CoarseMaps } from './gradCam';

/** d score(classes[i]) / d image, N × H × W × C, as plain values. */
export function inputGradients(graph: ClassifierGraph, images: Tensor4D, classes: readonly number[]): Float32Array {
  return tidy(() => {
    const classCount = graph.scores(images).shape[1];
    const selected = oneHot(tensor1d(Array.from(classes), 'int32'), classCount);
    return grad((x: Tensor) => sum(mul(graph.scores(x as Tensor4D), selected)))(images).dataSync() as Float32Array;
  });
}

export interface SmoothGradOptions {
  /** Noisy copies per image (the paper: 50; 16 are close enough on these small images). */
  samples: number;
  /** Noise standard deviation as a share of the image's value range (the paper: 0.1–0.2). */
  noise: number;
  random: SeededRandom;
}

/** |mean gradient over noisy copies|, the largest over channels: N × H × W. */
export function smoothGrad(
  graph: ClassifierGraph,
  images: Tensor4D,
  classes: readonly number[],
  options: SmoothGradOptions,
): CoarseMaps {
  const [count, height, width, channels] = images.shape;
  const pixels = images.dataSync();
  const perImage = height * width * channels;
  const sigmas = Array.from({ length: count }, (_, n) => {
    let low = Infinity;
    let high = -Infinity;
    for (let i = n * perImage; i < (n + 1) * perImage; i++) {
      low = Math.min(low, pixels[i] ?? 0);
      high = Math.max(high, pixels[i] ?? 0);
    }
    return options.noise * Math.max(high - low, 1e-6);
  });
  const total = new Float32Array(count * perImage);
  for (let s = 0; s < Math.max(1, options.samples); s++) {
    const noise = new Float32Array(count * perImage);
    if (options.samples > 0)
      noise.forEach((_, i) => (noise[i] = options.random.normal() * (sigmas[Math.floor(i / perImage)] ?? 0)));
    const gradients = tidy(() => {
      const noisy = add(images, tensor4d(noise, images.shape)) as Tensor4D;
      return inputGradients(graph, noisy, classes);
    });
    gradients.forEach((value, i) => (total[i] = (total[i] ?? 0) + value));
  }
  const values = new Float32Array(count * height * width);
  for (let p = 0; p < values.length; p++) {
    let largest = 0;
    for (let c = 0; c < channels; c++) largest = Math.max(largest, Math.abs(total[p * channels + c] ?? 0));
    values[p] = largest;
  }
  return { values, count, height, width };
}
