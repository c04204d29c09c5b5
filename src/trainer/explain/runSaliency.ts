// The end of a run: saliency maps of a seeded sample of evaluation images, for the fine-tuned and
// the scratch model side by side, written to saliency.json with a `saliency` event. Right and
// wrong are each model's answer at its operating point (the threshold its metadata.json carries).
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Experiment } from '../../shared/experiment/schema';
import type { EvaluatedModel } from '../../shared/run/events';
import { decideClass } from '../../shared/run/modelDecision';
import type { OperatingPointDecision } from '../../shared/run/modelDecision';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { ImageSet } from '../data/dataset';
import { readImagesAt } from '../data/imageStore';
import { SeededRandom } from '../random';
import type { EventStream } from '../run/eventStream';
import { predictProbabilities } from '../training/predict';
import { explainImages } from './explainImages';
import { sampleExamples } from './sampleExamples';
import { saliencyExample, writeSaliencyFile } from './writeSaliencyFile';

export interface SaliencyRequest {
  experiment: Experiment;
  runDir: string;
  set: ImageSet;
  classes: string[];
  /** Each model with its operating point (null: the argmax decides). */
  models: { model: EvaluatedModel; classifier: LayersModel; decision: OperatingPointDecision | null }[];
  events: EventStream;
}

export function writeRunSaliency(request: SaliencyRequest): void {
  const { experiment, set, classes } = request;
  const { samplesPerClass, method } = experiment.evaluation.saliency;
  if (samplesPerClass === 0 || request.models.length === 0 || set.count === 0) return;
  const started = performance.now();
  const predictions = request.models.map(({ classifier, decision }) => {
    const probabilities = predictProbabilities(classifier, set, 128);
    return {
      predicted: Int32Array.from(
        { length: set.count },
        (_, n) => decideClass(probabilities.subarray(n * classes.length, (n + 1) * classes.length), decision).predicted,
      ),
    };
  });
  const random = new SeededRandom(experiment.seed).fork('saliencySample');
  const indices = sampleExamples(set.labels, predictions, classes.length, samplesPerClass, random);
  const perImage = set.shape[0] * set.shape[1] * set.shape[2];
  const images = readImagesAt(set.images, indices);
  const subset = { images, count: indices.length, shape: set.shape };
  const explained = request.models.map(({ model, classifier, decision }) => ({
    model,
    explanations: explainImages(classifier, subset, { method, seed: experiment.seed, decision }),
  }));
  const examples = indices.map((index, n) =>
    saliencyExample({
      index,
      trueClass: set.labels[index] ?? null,
      values: images.subarray(n * perImage, (n + 1) * perImage),
      shape: set.shape,
      byModel: explained.flatMap(({ model, explanations }) => {
        const explanation = explanations[n];
        return explanation ? [{ model, explanation }] : [];
      }),
    }),
  );
  const split = experiment.evaluation.split;
  writeSaliencyFile(join(request.runDir, RUN_FILES.saliency), {
    format: 'medtransfer-saliency/1',
    split,
    classes,
    examples,
  });
  request.events.emit({
    type: 'saliency',
    file: RUN_FILES.saliency,
    split,
    examples: examples.length,
    models: explained.map(({ model, explanations }) => ({
      model,
      method: explanations[0]?.method ?? 'grad-cam',
      layer: explanations[0]?.layer ?? null,
    })),
    seconds: (performance.now() - started) / 1000,
  });
}
