// Pixel Data (7FE0,0010) of one frame as numbers, with Rescale Slope/Intercept applied.
// Native (uncompressed) little- and big-endian data, JPEG baseline (the transfer syntax img2dcm
// and many scanners' exports write), RLE Lossless, JPEG Lossless (common in CT, MR, CR),
// JPEG-LS and JPEG 2000 are decoded (codecs.ts); other compressed syntaxes get a clear error
// naming them, so the user knows to convert (e.g. `dcmdjpeg`, `gdcmconv --raw`).
import type { DataSet } from 'dicom-parser';
import {
  readEncapsulatedImageFrame,
  createJPEGBasicOffsetTable,
  readEncapsulatedPixelDataFromFragments,
} from 'dicom-parser';
import { decode as decodeJpeg } from 'jpeg-js';
import { decodeJpeg2000, decodeJpegLossless, decodeJpegLs } from './codecs';
import type { CodecFrame, SampleFormat } from './codecs';
import { DEFLATED_EXPLICIT_LITTLE } from './deflated';
import { decodeRleFrame } from './rle';
import { errorMessage } from '../../../shared/errors/errorMessage';
import { counted } from '../../../shared/text/plural';

// parseDicom inflates a deflated data set (readDicom.ts): its pixels are then native.
const NATIVE_LITTLE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', DEFLATED_EXPLICIT_LITTLE]);
const NATIVE_BIG = '1.2.840.10008.1.2.2';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const JPEG_LOSSLESS = new Set(['1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70']);
const JPEG_LS = new Set(['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81']);
const JPEG_2000 = new Set(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91']);

const SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (12-bit)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
};

export interface FramePixels {
  /** rows × columns × samples rescaled values. */
  values: Float32Array;
  rows: number;
  columns: number;
  samples: number;
  frames: number;
  photometric: string;
  /** The largest value a sample can hold: 2^BitsStored − 1 (255 for JPEG baseline, always 8-bit). */
  maxValue: number;
}

export class DicomPixelError extends Error {}

function nativeFrame(
  dataSet: DataSet,
  frame: number,
  count: number,
  bits: number,
  signed: boolean,
  bigEndian: boolean,
): Float32Array {
  const element = dataSet.elements.x7fe00010;
  if (!element) throw new DicomPixelError('no Pixel Data element');
  const bytesPerSample = bits / 8;
  const start = element.dataOffset + frame * count * bytesPerSample;
  if (start + count * bytesPerSample > dataSet.byteArray.length)
    throw new DicomPixelError('Pixel Data is shorter than Rows × Columns × frames (truncated file?)');
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + start, count * bytesPerSample);
  const out = new Float32Array(count);
  const little = !bigEndian;
  for (let i = 0; i < count; i++) {
    if (bits === 8) out[i] = signed ? view.getInt8(i) : view.getUint8(i);
    else if (bits === 16) out[i] = signed ? view.getInt16(i * 2, little) : view.getUint16(i * 2, little);
    else out[i] = signed ? view.getInt32(i * 4, little) : view.getUint32(i * 4, little);
  }
  return out;
}

/** The bytes of one frame of encapsulated pixel data. */
function encapsulatedFrame(dataSet: DataSet, frame: number, frames: number): Uint8Array {
  const element = dataSet.elements.x7fe00010;
  if (!element?.encapsulatedPixelData)
    throw new DicomPixelError('a compressed transfer syntax but the Pixel Data is not encapsulated');
  const fragments = element.fragments ?? [];
  if (frames === 1 && fragments.length > 0)
    return readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length);
  // One fragment per frame (always so for RLE) needs no offset table.
  if (fragments.length === frames) return readEncapsulatedPixelDataFromFragments(dataSet, element, frame, 1);
  return readEncapsulatedImageFrame(
    dataSet,
    element,
    frame,
    element.basicOffsetTable?.length ? element.basicOffsetTable : createJPEGBasicOffsetTable(dataSet, element),
  );
}

function jpegFrame(dataSet: DataSet, frame: number, frames: number): { values: Float32Array; samples: number } {
  const image = decodeJpeg(encapsulatedFrame(dataSet, frame, frames), {
    useTArray: true,
    formatAsRGBA: false,
    maxMemoryUsageInMB: 1024,
  });
  const values = new Float32Array(image.data.length);
  for (let i = 0; i < values.length; i++) values[i] = image.data[i] ?? 0;
  return { values, samples: 3 };
}

/** Runs a library codec on one frame and checks the result against the header. */
function codecFrame(
  dataSet: DataSet,
  frame: number,
  frames: number,
  rows: number,
  columns: number,
  decode: (bytes: Uint8Array, format: SampleFormat) => CodecFrame,
): CodecFrame {
  const bitsAllocated = dataSet.uint16('x00280100') ?? 16;
  const format: SampleFormat = {
    bitsAllocated,
    bitsStored: dataSet.uint16('x00280101') ?? bitsAllocated,
    signed: (dataSet.uint16('x00280103') ?? 0) === 1,
  };
  let decoded: CodecFrame;
  try {
    decoded = decode(encapsulatedFrame(dataSet, frame, frames), format);
  } catch (error) {
    if (error instanceof DicomPixelError) throw error;
    // Codecs throw Errors, strings or numbers (Emscripten exceptions).
    throw new DicomPixelError(`cannot decode the compressed frame: ${errorMessage(error)}`);
  }
  if (decoded.rows !== rows || decoded.columns !== columns)
    throw new DicomPixelError(
      `the compressed frame is ${decoded.columns}×${decoded.rows}, but Rows × Columns say ${columns}×${rows}`,
    );
  return decoded;
}

/** Decodes frame `frame` (0-based) of the data set's pixel data, rescaled to modality units. */
export function readFramePixels(dataSet: DataSet, frame: number): FramePixels {
  const syntax = (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  if (rows === 0 || columns === 0) throw new DicomPixelError('no image (Rows or Columns missing): not an image object');
  if (!dataSet.elements.x7fe00010) throw new DicomPixelError('no Pixel Data element: not an image object');
  const frames = dataSet.intString('x00280008') ?? 1;
  if (frame >= frames)
    throw new DicomPixelError(`frame ${frame} asked for but the file has ${counted(frames, 'frame')}`);
  let samples = dataSet.uint16('x00280002') ?? 1;
  const photometric = (dataSet.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase();
  let values: Float32Array;
  if (NATIVE_LITTLE.has(syntax) || syntax === NATIVE_BIG) {
    const bits = dataSet.uint16('x00280100') ?? 16;
    if (bits !== 8 && bits !== 16 && bits !== 32)
      throw new DicomPixelError(`Bits Allocated ${bits} is not supported (8, 16 or 32)`);
    const signed = (dataSet.uint16('x00280103') ?? 0) === 1;
    values = nativeFrame(dataSet, frame, rows * columns * samples, bits, signed, syntax === NATIVE_BIG);
    // Planar configuration 1 stores RRR…GGG…BBB…: interleave to pixel order.
    if (samples === 3 && (dataSet.uint16('x00280006') ?? 0) === 1) {
      const plane = rows * columns;
      const interleaved = new Float32Array(values.length);
      for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) interleaved[p * 3 + c] = values[c * plane + p] ?? 0;
      values = interleaved;
    }
  } else if (syntax === RLE_LOSSLESS) {
    const bits = dataSet.uint16('x00280100') ?? 16;
    if (bits !== 8 && bits !== 16 && bits !== 32)
      throw new DicomPixelError(`Bits Allocated ${bits} is not supported (8, 16 or 32)`);
    values = decodeRleFrame(
      encapsulatedFrame(dataSet, frame, frames),
      rows * columns,
      samples,
      bits / 8,
      (dataSet.uint16('x00280103') ?? 0) === 1,
    );
  } else if (syntax === JPEG_BASELINE) {
    ({ values, samples } = jpegFrame(dataSet, frame, frames));
    if (values.length !== rows * columns * samples)
      throw new DicomPixelError('the JPEG frame does not match Rows × Columns');
  } else if (JPEG_LOSSLESS.has(syntax)) {
    ({ values, samples } = codecFrame(dataSet, frame, frames, rows, columns, decodeJpegLossless));
  } else if (JPEG_LS.has(syntax)) {
    ({ values, samples } = codecFrame(dataSet, frame, frames, rows, columns, decodeJpegLs));
  } else if (JPEG_2000.has(syntax)) {
    ({ values, samples } = codecFrame(dataSet, frame, frames, rows, columns, decodeJpeg2000));
  } else {
    throw new DicomPixelError(
      `transfer syntax ${SYNTAX_NAMES[syntax] ?? syntax} is not supported; ` +
        "convert the files to uncompressed DICOM first (e.g. dcmtk's dcmdjpeg, or gdcmconv --raw)",
    );
  }
  // Rescale applies to grayscale only (PS3.3 C.11.1.1.2); colour images have no modality LUT.
  if (samples === 1) {
    const slope = dataSet.floatString('x00281053') ?? 1;
    const intercept = dataSet.floatString('x00281052') ?? 0;
    if (slope !== 1 || intercept !== 0)
      for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) * slope + intercept;
  }
  const bitsStored = syntax === JPEG_BASELINE ? 8 : (dataSet.uint16('x00280101') ?? dataSet.uint16('x00280100') ?? 8);
  return { values, rows, columns, samples, frames, photometric, maxValue: 2 ** bitsStored - 1 };
}
