// Predictions and saliency maps of one model for a set of images, in small batches: the class
// each map explains is the predicted one (what the model based its answer on).
import { argMax, tensor4d, tidy } from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { SaliencyMethod } from '../../shared/run/saliency';
import type { ImageSet } from '../data/dataset';
import { SeededRandom } from '../random';
import { classifierGraph } from './classifierGraph';
import { gradCam } from './gradCam';
import { toHeatmaps } from './heatmap';
import { smoothGrad } from './inputGradients';

export type MethodChoice = 'auto' | SaliencyMethod;

export interface ImageExplanation {
  method: SaliencyMethod;
  layer: string | null;
  predicted: number;
  confidence: number;
  probabilities: number[];
  /** height × width, 0–255. */
  heatmap: Uint8Array;
}

export interface ExplainOptions {
  method: MethodChoice;
  seed: number;
  batchSize?: number;
}

const SMOOTHGRAD = { samples: 16, noise: 0.15 };

/** Grad-CAM where the model has a convolutional feature map (for `auto` and `grad-cam`), else SmoothGrad. */
export function resolveMethod(choice: MethodChoice, hasFeatureMap: boolean): SaliencyMethod {
  if (choice === 'smoothgrad' || !hasFeatureMap) return 'smoothgrad';
  return 'grad-cam';
}

export function explainImages(model: LayersModel, set: Pick<ImageSet, 'images' | 'count' | 'shape'>, options: ExplainOptions): ImageExplanation[] {
  const graph = classifierGraph(model);
  const method = resolveMethod(options.method, graph.featureLayer !== null);
  const [height, width] = set.shape;
  const perImage = set.shape[0] * set.shape[1] * set.shape[2];
  const batchSize = options.batchSize ?? 16;
  const random = new SeededRandom(options.seed);
  const results: ImageExplanation[] = [];
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    const images = tensor4d(set.images.slice(start * perImage, (start + count) * perImage), [count, ...set.shape]) as Tensor4D;
    try {
      const probabilities = tidy(() => graph.probabilities(images).arraySync());
      const predicted = tidy(() => Array.from(argMax(graph.probabilities(images), 1).dataSync()));
      const maps = method === 'grad-cam' ? gradCam(graph, images, predicted) : smoothGrad(graph, images, predicted, { ...SMOOTHGRAD, random });
      const heatmaps = toHeatmaps(maps, height, width, method === 'grad-cam' ? 1 : 0.99);
      predicted.forEach((classIndex, i) => {
        const row = probabilities[i] ?? [];
        results.push({
          method,
          layer: method === 'grad-cam' ? graph.featureLayer : null,
          predicted: classIndex,
          confidence: row[classIndex] ?? 0,
          probabilities: row,
          heatmap: heatmaps[i] ?? new Uint8Array(height * width),
        });
      });
    } finally {
      images.dispose();
    }
  }
  return results;
}
