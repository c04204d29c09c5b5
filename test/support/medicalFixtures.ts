// Writers for the medical-format fixtures: DICOM Part 10 files (explicit VR little endian, the
// layout dcmtk writes by default) and NIfTI-1 volumes, built byte by byte so each test controls
// every tag (rescale, window, photometric interpretation, frames, identifiers); plus dcmtk
// (img2dcm, dcmodify) for files written by a real DICOM toolkit.
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

/** Identifier values the tests plant in files and then look for in every run file. */
export const PLANTED = {
  patientName: 'DOE^JANE',
  patientId: 'ID12345',
  birthDate: '19700101',
  institution: 'SAINT EXAMPLE HOSPITAL',
};

export interface DicomFixture {
  rows: number;
  columns: number;
  /** Stored values, frames × rows × columns × samples. */
  pixels: number[] | Uint16Array | Int16Array | Uint8Array;
  bits?: 8 | 16;
  /** Bits Stored (0028,0101), by default all of `bits`. */
  bitsStored?: number;
  signed?: boolean;
  samples?: 1 | 3;
  frames?: number;
  photometric?: string;
  slope?: number;
  intercept?: number;
  window?: [number, number];
  identifiers?: boolean;
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function element(group: number, elementId: number, vr: string, value: Uint8Array | string): Buffer {
  let bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from(value);
  if (bytes.length % 2 === 1) bytes = Buffer.concat([bytes, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]);
  const long = LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elementId, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(bytes.length, 8);
  else head.writeUInt16LE(bytes.length, 6);
  return Buffer.concat([head, bytes]);
}

const us = (value: number): Uint8Array => {
  const out = Buffer.alloc(2);
  out.writeUInt16LE(value, 0);
  return out;
};

/** A DICOM Part 10 file, explicit VR little endian, secondary capture. */
export function dicomBytes(fixture: DicomFixture): Buffer {
  const bits = fixture.bits ?? 16;
  const samples = fixture.samples ?? 1;
  const syntax = '1.2.840.10008.1.2.1';
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
    element(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    element(0x0002, 0x0003, 'UI', '1.2.3.4.5.6.7.8.9'),
    element(0x0002, 0x0010, 'UI', syntax),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length, 0);
  const values = fixture.pixels;
  const pixelBytes = Buffer.alloc(values.length * (bits / 8));
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i] ?? 0);
    if (bits === 8) pixelBytes.writeUInt8(v & 0xff, i);
    else if (fixture.signed) pixelBytes.writeInt16LE(v, i * 2);
    else pixelBytes.writeUInt16LE(v, i * 2);
  }
  const elements: Buffer[] = [
    element(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    element(0x0008, 0x0018, 'UI', '1.2.3.4.5.6.7.8.9'),
  ];
  if (fixture.identifiers) {
    elements.push(element(0x0008, 0x0080, 'LO', PLANTED.institution));
    elements.push(element(0x0010, 0x0010, 'PN', PLANTED.patientName));
    elements.push(element(0x0010, 0x0020, 'LO', PLANTED.patientId));
    elements.push(element(0x0010, 0x0030, 'DA', PLANTED.birthDate));
  }
  elements.push(element(0x0028, 0x0002, 'US', us(samples)));
  elements.push(element(0x0028, 0x0004, 'CS', fixture.photometric ?? (samples === 3 ? 'RGB' : 'MONOCHROME2')));
  if (samples === 3) elements.push(element(0x0028, 0x0006, 'US', us(0)));
  if (fixture.frames) elements.push(element(0x0028, 0x0008, 'IS', String(fixture.frames)));
  elements.push(element(0x0028, 0x0010, 'US', us(fixture.rows)));
  elements.push(element(0x0028, 0x0011, 'US', us(fixture.columns)));
  elements.push(element(0x0028, 0x0100, 'US', us(bits)));
  elements.push(element(0x0028, 0x0101, 'US', us(fixture.bitsStored ?? bits)));
  elements.push(element(0x0028, 0x0102, 'US', us((fixture.bitsStored ?? bits) - 1)));
  elements.push(element(0x0028, 0x0103, 'US', us(fixture.signed ? 1 : 0)));
  if (fixture.window) {
    elements.push(element(0x0028, 0x1050, 'DS', String(fixture.window[0])));
    elements.push(element(0x0028, 0x1051, 'DS', String(fixture.window[1])));
  }
  if (fixture.intercept !== undefined || fixture.slope !== undefined) {
    elements.push(element(0x0028, 0x1052, 'DS', String(fixture.intercept ?? 0)));
    elements.push(element(0x0028, 0x1053, 'DS', String(fixture.slope ?? 1)));
  }
  elements.push(element(0x7fe0, 0x0010, bits === 8 ? 'OB' : 'OW', pixelBytes));
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    element(0x0002, 0x0000, 'UL', groupLength),
    meta,
    ...elements,
  ]);
}

/** A NIfTI-1 single-file volume (int16 or float32), optionally gzipped. */
export function niftiBytes(
  dims: [number, number, number],
  values: ArrayLike<number>,
  options: { datatype?: 'int16' | 'float32'; slope?: number; intercept?: number; gzip?: boolean } = {},
): Buffer {
  const float = options.datatype === 'float32';
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  header.writeInt16LE(3, 40);
  dims.forEach((size, index) => header.writeInt16LE(size, 42 + index * 2));
  for (let index = 3; index < 7; index++) header.writeInt16LE(1, 42 + index * 2);
  header.writeInt16LE(float ? 16 : 4, 70);
  header.writeInt16LE(float ? 32 : 16, 72);
  header.writeFloatLE(1, 76);
  header.writeFloatLE(352, 108);
  header.writeFloatLE(options.slope ?? 0, 112);
  header.writeFloatLE(options.intercept ?? 0, 116);
  header.write('n+1\0', 344, 'latin1');
  const data = Buffer.alloc(values.length * (float ? 4 : 2));
  for (let i = 0; i < values.length; i++) {
    if (float) data.writeFloatLE(values[i] ?? 0, i * 4);
    else data.writeInt16LE(values[i] ?? 0, i * 2);
  }
  const file = Buffer.concat([header, data]);
  return options.gzip ? gzipSync(file) : file;
}

/** A NIfTI-2 single-file float64 volume (540-byte header, data at 544). */
export function nifti2Bytes(dims: [number, number, number], values: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(544);
  header.writeInt32LE(540, 0);
  header.write('n+2\0\r\n\x1a\n', 4, 'latin1');
  header.writeInt16LE(64, 12);
  header.writeInt16LE(64, 14);
  header.writeBigInt64LE(3n, 16);
  dims.forEach((size, index) => header.writeBigInt64LE(BigInt(size), 24 + index * 8));
  for (let index = 4; index < 8; index++) header.writeBigInt64LE(1n, 16 + index * 8);
  header.writeBigInt64LE(544n, 168);
  header.writeDoubleLE(1, 176);
  header.writeDoubleLE(0, 184);
  const data = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) data.writeDoubleLE(values[i] ?? 0, i * 8);
  return Buffer.concat([header, data]);
}

/** Whether dcmtk's img2dcm and dcmodify are on PATH (`apt-get install dcmtk`). */
export function hasDcmtk(): boolean {
  return (
    spawnSync('img2dcm', ['--version'], { encoding: 'utf8' }).status === 0 &&
    spawnSync('dcmodify', ['--version'], { encoding: 'utf8' }).status === 0
  );
}

/** Runs a dcmtk tool, throwing with its output when it fails. */
export function dcmtk(tool: string, args: string[]): void {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}
