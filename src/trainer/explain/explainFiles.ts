// `medtransfer explain`: a run's models on image files the user picked. Every model of the run
// (fine-tuned and scratch) explains every image; the result has saliency.json's shape, with the
// images numbered in the order given (their paths are the caller's, never written here).
import type { SaliencyFile } from '../../shared/run/saliency';
import { decodeForModel, decodeSettings } from './decodeForModel';
import { explainImages } from './explainImages';
import type { MethodChoice } from './explainImages';
import { loadRunModels } from './runModels';
import { saliencyExample } from './writeSaliencyFile';

export interface ExplainFilesResult {
  file: SaliencyFile;
  notes: string[];
}

export async function explainFiles(
  runDir: string,
  files: readonly string[],
  method: MethodChoice | undefined,
): Promise<ExplainFilesResult> {
  const { experiment, models, notes: modelNotes } = await loadRunModels(runDir);
  const [first] = models;
  if (!first) throw new Error('no model');
  const shape = first.inputShape;
  const settings = decodeSettings(experiment);
  const inputs = files.map((file) => decodeForModel(file, shape, settings));
  const perImage = shape[0] * shape[1] * shape[2];
  const images = new Float32Array(inputs.length * perImage);
  inputs.forEach((input, n) => images.set(input.values, n * perImage));
  const set = { images, count: inputs.length, shape };
  const chosen = method ?? experiment.evaluation.saliency.method;
  const explained = models.map((entry) => ({
    model: entry.model,
    explanations: explainImages(entry.classifier, set, {
      method: chosen,
      seed: experiment.seed,
      decision: entry.decision,
    }),
  }));
  const examples = inputs.map((input, n) =>
    saliencyExample({
      index: n,
      trueClass: null,
      values: input.values,
      shape,
      byModel: explained.flatMap(({ model, explanations }) => {
        const explanation = explanations[n];
        return explanation ? [{ model, explanation }] : [];
      }),
    }),
  );
  const withIdentifiers = inputs.filter((input) => input.hasIdentifiers).length;
  const notes = [...modelNotes];
  if (withIdentifiers > 0)
    notes.push(
      `${withIdentifiers} of ${inputs.length} DICOM files carry patient or staff identifiers ` +
        '(their values were not read)',
    );
  for (const entry of models) entry.classifier.dispose();
  return { file: { format: 'medtransfer-saliency/1', split: 'files', classes: first.classes, examples }, notes };
}
