// Predictions and saliency maps of one model for a set of images, in small batches: the class
// each map explains is the model's answer (decideClass: by its operating point where it has one),
// what the model based that answer on.
import { tensor4d, tidy } from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { decideClass } from '../../shared/run/modelDecision';
import type { OperatingPointDecision } from '../../shared/run/modelDecision';
import type { SaliencyMethod } from '../../shared/run/saliency';
import type { ImageShape } from '../data/dataset';
import { SeededRandom } from '../random';
import { classifierGraph } from './classifierGraph';
import type { ClassifierGraph } from './classifierGraph';
import { gradCam } from './gradCam';
import { toHeatmaps } from './heatmap';
import { smoothGrad } from './inputGradients';

export type MethodChoice = 'auto' | SaliencyMethod;

/** A few images already read as float32 NHWC in [0, 1]. */
export interface FloatImages {
  images: Float32Array;
  count: number;
  shape: ImageShape;
}

export interface ImageExplanation {
  method: SaliencyMethod;
  layer: string | null;
  /** The model's answer (decideClass). */
  predicted: number;
  argmax: number;
  /** The operating point that decided, or null where the argmax did. */
  decision: OperatingPointDecision | null;
  confidence: number;
  probabilities: number[];
  /** height × width, 0–255. */
  heatmap: Uint8Array;
}

export interface ExplainOptions {
  method: MethodChoice;
  seed: number;
  batchSize?: number;
  /** The model's operating point (its metadata.json's `decision`); null or absent: the argmax decides. */
  decision?: OperatingPointDecision | null;
}

const SMOOTHGRAD = { samples: 16, noise: 0.15 };

/**
 * The method used: SmoothGrad without a convolutional feature map (whatever was asked); `auto`
 * takes Grad-CAM on a pooled feature map and HiResCAM on a flattened one.
 */
export function resolveMethod(
  choice: MethodChoice,
  graph: Pick<ClassifierGraph, 'featureLayer' | 'pooled'>,
): SaliencyMethod {
  if (choice === 'smoothgrad' || graph.featureLayer === null) return 'smoothgrad';
  if (choice === 'auto') return graph.pooled ? 'grad-cam' : 'hirescam';
  return choice;
}

export function explainImages(model: LayersModel, set: FloatImages, options: ExplainOptions): ImageExplanation[] {
  const graph = classifierGraph(model);
  const method = resolveMethod(options.method, graph);
  const [height, width] = set.shape;
  const perImage = set.shape[0] * set.shape[1] * set.shape[2];
  const batchSize = options.batchSize ?? 16;
  const random = new SeededRandom(options.seed);
  const decision = options.decision ?? null;
  const results: ImageExplanation[] = [];
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    const images = tensor4d(set.images.slice(start * perImage, (start + count) * perImage), [
      count,
      ...set.shape,
    ]) as Tensor4D;
    try {
      const probabilities = tidy(() => graph.probabilities(images).arraySync());
      const decisions = probabilities.map((row) => decideClass(row, decision));
      const predicted = decisions.map((answer) => answer.predicted);
      const maps =
        method === 'smoothgrad'
          ? smoothGrad(graph, images, predicted, { ...SMOOTHGRAD, random })
          : gradCam(graph, images, predicted, method === 'hirescam' ? 'per-position' : 'mean');
      const heatmaps = toHeatmaps(maps, height, width, method === 'smoothgrad' ? 0.99 : 1);
      predicted.forEach((classIndex, i) => {
        const row = probabilities[i] ?? [];
        results.push({
          method,
          layer: method === 'smoothgrad' ? null : graph.featureLayer,
          predicted: classIndex,
          argmax: decisions[i]?.argmax ?? classIndex,
          decision,
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
