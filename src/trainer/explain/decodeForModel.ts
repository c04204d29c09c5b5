// One image file → the model's input, with the same decoders and preprocessing as the run's
// target dataset: PNG and JPEG, or DICOM (the dataset's frame and window; rescale, MONOCHROME1),
// fitted to the input shape with the dataset's resize mode (stretch for the formats without one).
import { readFileSync } from 'node:fs';
import type { Experiment, ResizeMode } from '../../shared/experiment/schema';
import { DatasetError } from '../data/dataset';
import type { ImageShape } from '../data/dataset';
import { decodeImage } from '../data/decodeImage';
import type { DecodedImage } from '../data/decodeImage';
import { isDicom, readDicom } from '../data/dicom/readDicom';
import { fitImage } from '../data/fitImage';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface ModelInput {
  values: Float32Array;
  /** Whether a DICOM file carried identifying tags (their values are never read). */
  hasIdentifiers: boolean;
}

interface DecodeSettings {
  resize: ResizeMode;
  frame: number;
  window?: { center: number; width: number };
}

export function decodeSettings(experiment: Experiment): DecodeSettings {
  const dataset: Record<string, unknown> = experiment.target.dataset;
  const resize =
    dataset.resize === 'pad' || dataset.resize === 'crop' || dataset.resize === 'stretch' ? dataset.resize : 'stretch';
  const frame = typeof dataset.frame === 'number' ? dataset.frame : 0;
  const window = dataset.window as DecodeSettings['window'];
  return window ? { resize, frame, window } : { resize, frame };
}

export function decodeForModel(file: string, shape: ImageShape, settings: DecodeSettings): ModelInput {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DatasetError(`cannot read the file: ${errorMessage(error)}`, file);
  }
  let decoded: DecodedImage;
  let hasIdentifiers = false;
  if (isDicom(bytes)) {
    try {
      const image = readDicom(bytes, {
        frame: settings.frame,
        ...(settings.window ? { window: settings.window } : {}),
      });
      decoded = image;
      hasIdentifiers = image.hasIdentifiers;
    } catch (error) {
      throw new DatasetError(errorMessage(error), file);
    }
  } else {
    decoded = decodeImage(bytes, file);
  }
  return { values: fitImage(decoded, shape, settings.resize), hasIdentifiers };
}
