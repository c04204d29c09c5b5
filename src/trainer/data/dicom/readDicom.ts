// One DICOM file to a decoded image in [0, 1]: parse, take a frame, rescale, window, invert
// MONOCHROME1. Returns whether the file carried identifying tags (never their values).
import type { DataSet } from 'dicom-parser';
import { parseDicom } from 'dicom-parser';
import type { IntensityWindow } from '../../../shared/experiment/schema';
import type { DecodedImage } from '../decodeImage';
import { inflateDataSet } from './deflated';
import { carriesIdentifiers } from './identifiers';
import { readFramePixels } from './pixelData';
import { applyWindow } from './windowing';

export interface DicomImage extends DecodedImage {
  hasIdentifiers: boolean;
}

export interface DicomOptions {
  frame: number;
  window?: IntensityWindow;
}

/** "DICM" at byte 128: the Part 10 file signature. */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** The file's first Window Center/Width (there may be several, for different presets). */
function fileWindow(dataSet: DataSet): IntensityWindow | undefined {
  const center = dataSet.floatString('x00281050');
  const width = dataSet.floatString('x00281051');
  return center !== undefined && width !== undefined && width > 0 ? { center, width } : undefined;
}

/** Throws a plain Error with the reason; the caller adds the file name. */
export function readDicom(bytes: Uint8Array, options: DicomOptions): DicomImage {
  if (!isDicom(bytes)) throw new Error('not a DICOM Part 10 file (no "DICM" signature at byte 128)');
  let dataSet: DataSet;
  try {
    dataSet = parseDicom(bytes, { inflater: inflateDataSet });
  } catch (error) {
    throw new Error(`cannot parse the DICOM file (truncated, or not DICOM): ${describeParserError(error)}`);
  }
  const pixels = readFramePixels(dataSet, options.frame);
  const hasIdentifiers = carriesIdentifiers(dataSet);
  const shape: [number, number, number] = [pixels.rows, pixels.columns, pixels.samples];
  if (pixels.samples !== 1) {
    // Colour (ultrasound, photos, JPEG baseline): no window; samples span the bits stored (8
    // mostly, 16 in some 48-bit RGB), and bits above them are not part of the value.
    const values = new Float32Array(pixels.values.length);
    const scale = 1 / pixels.maxValue;
    for (let i = 0; i < values.length; i++) values[i] = Math.min(1, (pixels.values[i] ?? 0) * scale);
    return { pixels: values, shape, depth: pixels.maxValue > 255 ? 16 : 8, hasIdentifiers };
  }
  const window = options.window ?? fileWindow(dataSet);
  const windowed = applyWindow(pixels.values, window, pixels.photometric === 'MONOCHROME1');
  return { pixels: windowed, shape, depth: 16, hasIdentifiers };
}

/**
 * dicom-parser throws Errors, strings, and objects `{ exception, dataSet }` (a file cut short);
 * only the exception text is used: it names tags and offsets, never tag values.
 */
function describeParserError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object' && 'exception' in error && typeof error.exception === 'string')
    return error.exception;
  return 'unknown parser error';
}
