// One image file → the model's input, with the same decoders and preprocessing as the run's
// target dataset: PNG and JPEG, DICOM (the dataset's frame and window; rescale, MONOCHROME1), or
// the slices of a NIfTI volume (the dataset's slices and window; else its middle axial slice),
// fitted to the input shape with the dataset's resize mode (stretch for the formats without one).
import { readFileSync } from 'node:fs';
import type { Experiment, ResizeMode, SliceSpec } from '../../shared/experiment/schema';
import { DatasetError } from '../data/dataset';
import type { ImageShape } from '../data/dataset';
import { decodeImage } from '../data/decodeImage';
import type { DecodedImage } from '../data/decodeImage';
import { isDicom, readDicom } from '../data/dicom/readDicom';
import { fitImage } from '../data/fitImage';
import { looksLikeNifti } from '../data/nifti/niftiHeader';
import { readNiftiSlices } from '../data/nifti/readNifti';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface ModelInput {
  values: Float32Array;
  /** Whether a DICOM file carried identifying tags (their values are never read). */
  hasIdentifiers: boolean;
  /** Which image of a file that holds several (`axial slice 40`); null for a file of one image. */
  part: string | null;
}

export interface DecodeSettings {
  resize: ResizeMode;
  frame: number;
  window?: { center: number; width: number };
  /** The slices a NIfTI volume gives. */
  slices: SliceSpec;
}

const MIDDLE_AXIAL_SLICE: SliceSpec = { axis: 'axial', mode: 'middle', step: 1 };

/** How files are decoded for a model with no run around it: stretched, first frame, middle slice. */
export const DEFAULT_DECODE_SETTINGS: DecodeSettings = { resize: 'stretch', frame: 0, slices: MIDDLE_AXIAL_SLICE };

export function decodeSettings(experiment: Experiment): DecodeSettings {
  const dataset: Record<string, unknown> = experiment.target.dataset;
  const resize =
    dataset.resize === 'pad' || dataset.resize === 'crop' || dataset.resize === 'stretch' ? dataset.resize : 'stretch';
  const frame = typeof dataset.frame === 'number' ? dataset.frame : 0;
  const window = dataset.window as DecodeSettings['window'];
  const slices = dataset.type === 'nifti' ? (dataset.slices as SliceSpec) : MIDDLE_AXIAL_SLICE;
  return window ? { resize, frame, window, slices } : { resize, frame, slices };
}

/** A file of one image (PNG, JPEG, DICOM, or a volume that gives one slice) as the model's input. */
export function decodeForModel(file: string, shape: ImageShape, settings: DecodeSettings): ModelInput {
  const inputs = decodeImagesForModel(file, shape, settings);
  const [input] = inputs;
  if (!input || inputs.length > 1)
    throw new DatasetError(`a volume of ${inputs.length} slices where one image was expected`, file);
  return input;
}

/** Every image a file gives the model: one, or a NIfTI volume's slices. */
export function decodeImagesForModel(file: string, shape: ImageShape, settings: DecodeSettings): ModelInput[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new DatasetError(`cannot read the file: ${errorMessage(error)}`, file);
  }
  if (looksLikeNifti(bytes)) {
    let slices: DecodedImage[];
    try {
      slices = readNiftiSlices(bytes, settings.slices, settings.window);
    } catch (error) {
      throw new DatasetError(errorMessage(error), file);
    }
    return slices.map((slice) => ({
      values: fitImage(slice, shape, settings.resize),
      hasIdentifiers: false,
      part: slice.part ?? null,
    }));
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
  return [{ values: fitImage(decoded, shape, settings.resize), hasIdentifiers, part: null }];
}
