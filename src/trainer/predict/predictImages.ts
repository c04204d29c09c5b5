// The model's softmax outputs for every image of the inputs, computed a batch at a time (the
// decoded images of one batch are all that is held). A file that does not decode is skipped with
// the decoder's reason; the others go on.
import { tensor4d, tidy } from '@tensorflow/tfjs-core';

import { errorMessage } from '../../shared/errors/errorMessage';
import { DatasetError } from '../data/dataset';
import { decodeImagesForModel } from '../explain/decodeForModel';
import { inferenceRunner } from '../models/inferenceModel';
import type { PredictModel } from './predictModel';
import type { PredictInput, SkippedInput } from './predictInputs';

export interface Prediction {
  path: string;
  /** Which slice of a volume (`axial slice 40`); null for a file of one image. */
  slice: string | null;
  probabilities: number[];
}

export interface PredictResult {
  predictions: Prediction[];
  skipped: SkippedInput[];
  /** DICOM files that carry patient or staff identifiers (their values are never read). */
  withIdentifiers: number;
}

export const PREDICT_BATCH = 32;

interface Pending {
  path: string;
  slice: string | null;
  values: Float32Array;
}

/** Why a file was skipped: the decoder's words, without the file name it puts in front. */
function reasonOf(error: unknown): string {
  const message = errorMessage(error);
  const prefix = error instanceof DatasetError && error.file !== undefined ? `${error.file}: ` : '';
  return prefix !== '' && message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

export function predictImages(
  model: Pick<PredictModel, 'classifier' | 'inputShape' | 'settings'>,
  inputs: readonly PredictInput[],
  batchSize = PREDICT_BATCH,
): PredictResult {
  const result: PredictResult = { predictions: [], skipped: [], withIdentifiers: 0 };
  const shape = model.inputShape;
  const perImage = shape[0] * shape[1] * shape[2];
  let pending: Pending[] = [];
  const runner = inferenceRunner(model.classifier);
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = new Float32Array(pending.length * perImage);
    pending.forEach((image, n) => batch.set(image.values, n * perImage));
    const outputs = tidy(() => {
      const output = runner.run(tensor4d(batch, [pending.length, ...shape]));
      return output.arraySync() as number[][];
    });
    pending.forEach((image, n) =>
      result.predictions.push({ path: image.path, slice: image.slice, probabilities: outputs[n] ?? [] }),
    );
    pending = [];
  };
  try {
    for (const input of inputs) {
      let images: ReturnType<typeof decodeImagesForModel>;
      try {
        images = decodeImagesForModel(input.file, shape, model.settings);
      } catch (error) {
        result.skipped.push({ shown: input.shown, reason: reasonOf(error) });
        continue;
      }
      if (images.some((image) => image.hasIdentifiers)) result.withIdentifiers++;
      for (const image of images) {
        pending.push({ path: input.shown, slice: image.part, values: image.values });
        if (pending.length === batchSize) flush();
      }
    }
    flush();
  } finally {
    runner.dispose();
  }
  return result;
}
