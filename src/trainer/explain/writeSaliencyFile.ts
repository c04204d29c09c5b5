// Builds and writes saliency.json (src/shared/run/saliency.ts): images and heatmaps as base64
// uint8, predictions per model. Replaced whole (shared/host/atomicFiles.ts): a reader never sees half.
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import type { EvaluatedModel } from '../../shared/run/events';
import type { SaliencyExample, SaliencyFile } from '../../shared/run/saliency';
import type { ImageShape } from '../data/dataset';
import { toDisplayImage } from './displayImage';
import type { ImageExplanation } from './explainImages';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export interface ExplainedImage {
  index: number;
  trueClass: number | null;
  /** The preprocessed image, [0, 1] values of `shape`. */
  values: Float32Array;
  shape: ImageShape;
  byModel: { model: EvaluatedModel; explanation: ImageExplanation }[];
}

export function saliencyExample(image: ExplainedImage): SaliencyExample {
  const [height, width] = image.shape;
  const display = toDisplayImage(image.values, image.shape);
  return {
    index: image.index,
    trueClass: image.trueClass,
    height,
    width,
    channels: display.channels,
    image: base64(display.pixels),
    explanations: image.byModel.map(({ model, explanation }) => ({
      model,
      method: explanation.method,
      layer: explanation.layer,
      predicted: explanation.predicted,
      confidence: clamp01(explanation.confidence),
      probabilities: explanation.probabilities.map(clamp01),
      argmax: explanation.argmax,
      decision: explanation.decision,
      heatmap: base64(explanation.heatmap),
    })),
  };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
}

export function writeSaliencyFile(path: string, file: SaliencyFile): void {
  writeFileAtomically(path, `${JSON.stringify(file)}\n`);
}
