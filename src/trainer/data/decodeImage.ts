// Decodes one PNG or JPEG file into float pixels in [0, 1], keeping its own size and its
// colour model (1 channel for gray, 3 for colour), so convertImages decides the rest.
import { PNG } from 'pngjs';
import { decode as decodeJpegData } from 'jpeg-js';
import { DatasetError } from './dataset';
import type { ImageShape } from './dataset';
import { jpegIsCutShort, pngIsCutShort } from './imageEnds';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface DecodedImage {
  pixels: Float32Array;
  shape: ImageShape;
  /**
   * The bits a sample has at the source, which decide how compactly the dataset keeps the fitted
   * image: 8 (8-bit PNG, JPEG) as uint8, 16 (16-bit PNG; windowed or scaled DICOM and NIfTI) as uint16.
   */
  depth: 8 | 16;
  /**
   * Integer samples of more than 8 bits (16-bit PNG): `pixels` are value ÷ (2^bits − 1), and
   * `found` the smallest and largest value. The dataset decides from all of its images whether the
   * data uses fewer bits (12-bit X-rays written to 16-bit PNGs) and rescales them (decodeEntries).
   */
  deepSamples?: { storedAs: string; bits: number; found: [number, number] };
  /** Which image of a file that holds several (`axial slice 40`), for errors. */
  part?: string;
}

export type ImageFormat = 'png' | 'jpeg';

/** The format from the file's first bytes, or null when it is neither PNG nor JPEG. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

function decodePng(bytes: Uint8Array): DecodedImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // skipRescale keeps 16-bit samples (X-rays and CT slices are often 16-bit) instead of
  // pngjs's rounding to 8 bits; pngjs still expands every colour type to RGBA.
  const png = PNG.sync.read(buffer, { skipRescale: true });
  const rgba: ArrayLike<number> = png.data;
  // Palette entries are 8-bit whatever the index depth; other samples have `depth` bits.
  const maxSample = png.palette ? 255 : 2 ** png.depth - 1;
  const { width, height } = png;
  // Gray and gray+alpha (colour types 0 and 4) stay one channel; alpha is dropped.
  const channels = png.colorType === 0 || png.colorType === 4 ? 1 : 3;
  const pixels = new Float32Array(width * height * channels);
  const scale = 1 / maxSample;
  let low = maxSample;
  let high = 0;
  for (let p = 0, i = 0, o = 0; p < width * height; p++, i += 4) {
    for (let c = 0; c < channels; c++) {
      const sample = rgba[i + c] ?? 0;
      if (sample < low) low = sample;
      if (sample > high) high = sample;
      pixels[o++] = sample * scale;
    }
  }
  const decoded: DecodedImage = { pixels, shape: [height, width, channels], depth: maxSample > 255 ? 16 : 8 };
  if (maxSample > 255) decoded.deepSamples = { storedAs: `${png.depth}-bit PNG`, bits: png.depth, found: [low, high] };
  return decoded;
}

function decodeJpeg(bytes: Uint8Array): DecodedImage {
  // jpeg-js returns RGB even for grayscale JPEGs (three equal channels); the luma of equal
  // channels is the gray value, so converting to 1 channel later loses nothing.
  const image = decodeJpegData(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  const pixels = new Float32Array(image.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (image.data[i] ?? 0) / 255;
  return { pixels, shape: [image.height, image.width, 3], depth: 8 };
}

/** Why a file did not decode, in words: cut short, or damaged (with the decoder's own words). */
function undecodable(format: ImageFormat, bytes: Uint8Array, error: unknown): string {
  const name = format === 'png' ? 'PNG' : 'JPEG';
  const cutShort = format === 'png' ? pngIsCutShort(bytes) : jpegIsCutShort(bytes);
  if (cutShort) return `the ${name} file is truncated: it ends after ${bytes.length} bytes, before its image does`;
  return `the ${name} file is corrupt: it cannot be decoded (${errorMessage(error)})`;
}

/** Decodes a PNG or JPEG (detected from its bytes); any failure is a DatasetError naming `file`. */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  const format = detectImageFormat(bytes);
  if (!format) throw new DatasetError('not a PNG or JPEG image (unrecognised file signature)', file);
  let decoded: DecodedImage;
  try {
    decoded = format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (error) {
    throw new DatasetError(undecodable(format, bytes, error), file);
  }
  if (decoded.shape[0] === 0 || decoded.shape[1] === 0) throw new DatasetError('image has no pixels', file);
  return decoded;
}
