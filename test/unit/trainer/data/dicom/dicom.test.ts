import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDicom } from 'dicom-parser';
import { DatasetError } from '../../../../../src/trainer/data/dataset';
import type { DataProgress } from '../../../../../src/trainer/data/decodeEntries';
import { carriesIdentifiers } from '../../../../../src/trainer/data/dicom/identifiers';
import { readFramePixels } from '../../../../../src/trainer/data/dicom/pixelData';
import { readDicom } from '../../../../../src/trainer/data/dicom/readDicom';
import { loadDataset } from '../../../../../src/trainer/data/loadDataset';
import { assertClose, temporaryFolder, pixelsOf } from '../../../../support/dataHelpers';
import { PLANTED, dicomBytes } from '../../../../support/medicalFixtures';

/** OpenJPEG's encoder (the full build of @cornerstonejs/codec-openjpeg): dcmtk has no free JPEG 2000 encoder. */
interface J2KEncoder {
  getDecodedBuffer(info: {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
    isUsingColorTransform: boolean;
  }): Uint8Array;
  setDecompositions(levels: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

async function encodeJpeg2000(
  samples: Int16Array | Uint8Array,
  width: number,
  height: number,
  componentCount: number,
): Promise<Uint8Array> {
  const factory = createRequire(join(process.cwd(), 'package.json'))('@cornerstonejs/codec-openjpeg/wasmjs') as (
    arg: object,
  ) => Promise<{ J2KEncoder: new () => J2KEncoder }>;
  const codec = await factory({ print: () => undefined, printErr: () => undefined });
  const encoder = new codec.J2KEncoder();
  const bits = samples instanceof Int16Array ? 16 : 8;
  encoder
    .getDecodedBuffer({
      width,
      height,
      bitsPerSample: bits,
      componentCount,
      isSigned: bits === 16,
      isUsingColorTransform: false,
    })
    .set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  encoder.setDecompositions(1);
  encoder.encode();
  return encoder.getEncodedBuffer().slice();
}

/** A native Part 10 file rewritten with encapsulated pixel data (one fragment per frame) and another transfer syntax. */
function encapsulate(native: Buffer, syntax: string, frames: Uint8Array[]): Buffer {
  const dataSet = parseDicom(native);
  const uid = dataSet.elements.x00020010;
  const groupLength = dataSet.elements.x00020000;
  const pixels = dataSet.elements.x7fe00010;
  assert.ok(uid && groupLength && pixels);
  const value = Buffer.from(syntax.length % 2 === 0 ? syntax : `${syntax}\0`, 'latin1');
  const u16 = (n: number): Buffer => Buffer.from(Uint16Array.of(n).buffer);
  const u32 = (n: number): Buffer => Buffer.from(Uint32Array.of(n).buffer);
  const item = (bytes: Uint8Array): Buffer => {
    const even = Buffer.concat([bytes, Buffer.alloc(bytes.length % 2)]);
    return Buffer.concat([Buffer.from([0xfe, 0xff, 0x00, 0xe0]), u32(even.length), even]);
  };
  const out = Buffer.concat([
    native.subarray(0, uid.dataOffset - 2),
    u16(value.length),
    value,
    // Explicit VR OW Pixel Data has a 12-byte header before its value.
    native.subarray(uid.dataOffset + uid.length, pixels.dataOffset - 12),
    Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    item(new Uint8Array(0)),
    ...frames.map(item),
    Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
  ]);
  out.writeUInt32LE(native.readUInt32LE(groupLength.dataOffset) + value.length - uid.length, groupLength.dataOffset);
  return out;
}

describe('readDicom', () => {
  it('applies rescale slope/intercept, then the file’s window', () => {
    // Stored 0..300 → HU = 2·v − 1000 → −1000, −600, −200, −400+…; window 0 ± 400 → [−400, 400].
    const bytes = dicomBytes({
      rows: 1,
      columns: 4,
      pixels: [0, 200, 400, 600],
      slope: 2,
      intercept: -1000,
      window: [0, 800],
    });
    const image = readDicom(bytes, { frame: 0 });
    assert.deepEqual(image.shape, [1, 4, 1]);
    assertClose(image.pixels, [0, 0, 0.25, 0.75]);
    assert.equal(image.hasIdentifiers, false);
  });

  it('prefers the experiment’s window and falls back to min–max', () => {
    const bytes = dicomBytes({ rows: 1, columns: 3, pixels: [100, 200, 300] });
    assertClose(readDicom(bytes, { frame: 0 }).pixels, [0, 0.5, 1]);
    assertClose(readDicom(bytes, { frame: 0, window: { center: 100, width: 200 } }).pixels, [0.5, 1, 1]);
  });

  it('reads signed 16-bit samples', () => {
    const bytes = dicomBytes({
      rows: 1,
      columns: 3,
      pixels: Int16Array.from([-1000, 0, 1000]),
      signed: true,
      window: [0, 2000],
    });
    assertClose(readDicom(bytes, { frame: 0 }).pixels, [0, 0.5, 1]);
  });

  it('inverts MONOCHROME1 so bright means dense', () => {
    const bytes = dicomBytes({ rows: 1, columns: 3, pixels: [0, 50, 100], photometric: 'MONOCHROME1' });
    assertClose(readDicom(bytes, { frame: 0 }).pixels, [1, 0.5, 0]);
  });

  it('picks a frame of a multi-frame file and names a missing one', () => {
    const bytes = dicomBytes({ rows: 1, columns: 2, frames: 3, pixels: [0, 10, 0, 20, 5, 30], bits: 8 });
    assertClose(readDicom(bytes, { frame: 1 }).pixels, [0, 1]);
    assertClose(readDicom(bytes, { frame: 2 }).pixels, [0, 1]);
    assertClose(readDicom(bytes, { frame: 2, window: { center: 15, width: 30 } }).pixels, [5 / 30, 1]);
    assert.throws(() => readDicom(bytes, { frame: 3 }), /frame 3 asked for but the file has 3 frames/);
  });

  it('reads RGB samples', () => {
    const bytes = dicomBytes({ rows: 1, columns: 1, samples: 3, bits: 8, pixels: [255, 0, 51] });
    assert.deepEqual(readDicom(bytes, { frame: 0 }).shape, [1, 1, 3]);
    assertClose(readDicom(bytes, { frame: 0 }).pixels, [1, 0, 0.2]);
  });

  it('scales colour samples by the bits stored: 12-bit RGB in 16-bit words by 4095, not 255', () => {
    const bytes = dicomBytes({
      rows: 1,
      columns: 2,
      samples: 3,
      bits: 16,
      bitsStored: 12,
      pixels: [4095, 0, 2048, 0, 0, 0],
    });
    const image = readDicom(bytes, { frame: 0 });
    assertClose(image.pixels, [1, 0, 2048 / 4095, 0, 0, 0]);
  });

  it('counts identifying tags without reading them out', () => {
    const bytes = dicomBytes({ rows: 1, columns: 1, pixels: [0], identifiers: true });
    assert.equal(readDicom(bytes, { frame: 0 }).hasIdentifiers, true);
    assert.equal(carriesIdentifiers(parseDicom(bytes)), true);
  });

  it('names what is wrong with a non-DICOM or truncated file', () => {
    assert.throws(() => readDicom(new Uint8Array(200), { frame: 0 }), /no "DICM" signature/);
    const whole = dicomBytes({ rows: 4, columns: 4, pixels: new Array(16).fill(1) });
    assert.throws(
      () => readDicom(whole.subarray(0, whole.length - 10), { frame: 0 }),
      /cannot parse|truncated|shorter/,
    );
  });
});

describe('loadDataset: dicom', () => {
  const root = temporaryFolder('dicom');
  after(root.remove);
  const dataset = join(root.path, 'scans');
  before(() => {
    for (const [name, base] of [
      ['healthy', 100],
      ['lesion', 900],
    ] as const) {
      mkdirSync(join(dataset, name), { recursive: true });
      for (let i = 0; i < 4; i++) {
        // Portrait 8×4 images: pad keeps them whole.
        writeFileSync(
          join(dataset, name, `IM${i}`),
          dicomBytes({
            rows: 8,
            columns: 4,
            pixels: new Array(32).fill(0).map((_, p) => base + p),
            identifiers: i % 2 === 0,
            window: [500, 1000],
          }),
        );
      }
    }
  });

  it('loads class subfolders, reports progress and counts files with identifiers', async () => {
    const progress: DataProgress[] = [];
    const loaded = await loadDataset({ type: 'dicom', path: dataset }, [4, 4, 1], 1, (event) => progress.push(event));
    assert.deepEqual(loaded.classes, ['healthy', 'lesion']);
    assert.equal(loaded.train.count, 8);
    assert.match(loaded.description, /scans \(dicom, 8 images\)/);
    assert.deepEqual(progress.at(-1), { stage: 'decoding', done: 8, total: 8, file: join('lesion', 'IM3') });
    assert.ok(progress.length <= 3, `throttled: ${progress.length} events`);
    assert.match(loaded.notes?.join('\n') ?? '', /4 of 8 DICOM files carry patient or staff identifiers/);
    // Padded to 4×4: the first and last columns are black borders.
    assert.equal(pixelsOf(loaded.train)[0], 0);
    assert.ok((pixelsOf(loaded.train)[1] ?? 0) > 0);
    assert.ok(!JSON.stringify(loaded.notes).includes(PLANTED.patientId));
  });

  it('takes labels and patients from a CSV instead of class folders', async () => {
    const rows = [
      'file,diagnosis,patient',
      'healthy/IM0,no,P1',
      'healthy/IM1,no,P1',
      'healthy/IM2,no,P2',
      'lesion/IM0,yes,P3',
      'lesion/IM1,yes,P3',
      'lesion/IM2,yes,P4',
    ];
    writeFileSync(join(dataset, 'labels.csv'), rows.join('\n'));
    const loaded = await loadDataset(
      {
        type: 'dicom',
        path: dataset,
        labels: 'labels.csv',
        imageColumn: 'file',
        labelColumn: 'diagnosis',
        patientColumn: 'patient',
      },
      [4, 4, 1],
      1,
    );
    assert.deepEqual(loaded.classes, ['no', 'yes']);
    assert.deepEqual(Array.from(loaded.train.labels), [0, 0, 0, 1, 1, 1]);
    assert.equal(loaded.groupedBy, 'patient');
    assert.deepEqual(Array.from(loaded.train.groups ?? []), [0, 0, 1, 2, 2, 3]);
    assert.match(loaded.notes?.join('\n') ?? '', /4 of 6 DICOM files carry/);
  });

  it('fails on a corrupt file naming it, or skips it and says so', async () => {
    writeFileSync(join(dataset, 'lesion', 'IM9'), Buffer.from('not a dicom file at all'));
    await assert.rejects(loadDataset({ type: 'dicom', path: dataset }, [4, 4, 1], 1), (error: unknown) => {
      assert.ok(error instanceof DatasetError);
      assert.match(error.message, /IM9: not a DICOM Part 10 file.*onError: skip/);
      return true;
    });
    const loaded = await loadDataset({ type: 'dicom', path: dataset, onError: 'skip' }, [4, 4, 1], 1);
    assert.equal(loaded.train.count, 8);
    assert.match(
      loaded.notes?.[0] ?? '',
      /skipped 1 of 9 files as unreadable \(onError: skip\): lesion\/IM9: not a DICOM/,
    );
  });

  it('decodes JPEG 2000 (OpenJPEG-encoded fixtures) exactly, and names a corrupt codestream', async () => {
    const rows = 6;
    const columns = 5;
    const pixels = Int16Array.from({ length: 2 * rows * columns }, (_, i) => ((i * 397) % 4000) - 1500);
    const plain = dicomBytes({ rows, columns, frames: 2, pixels, signed: true, slope: 1, intercept: -24 });
    const frames = await Promise.all(
      [0, 1].map((frame) =>
        encodeJpeg2000(pixels.slice(frame * rows * columns, (frame + 1) * rows * columns), columns, rows, 1),
      ),
    );
    const j2k = encapsulate(plain, '1.2.840.10008.1.2.4.90', frames);
    const file = parseDicom(j2k);
    assert.equal(file.string('x00020010'), '1.2.840.10008.1.2.4.90');
    for (const frame of [0, 1]) {
      assert.deepEqual(readFramePixels(file, frame).values, readFramePixels(parseDicom(plain), frame).values);
      assert.deepEqual(readDicom(j2k, { frame }).pixels, readDicom(plain, { frame }).pixels);
    }
    const rgb = Uint8Array.from({ length: 7 * 9 * 3 }, (_, i) => (i * 37) % 256);
    const colour = encapsulate(
      dicomBytes({ rows: 7, columns: 9, samples: 3, bits: 8, pixels: Array.from(rgb) }),
      '1.2.840.10008.1.2.4.91',
      [await encodeJpeg2000(rgb, 9, 7, 3)],
    );
    const decoded = readFramePixels(parseDicom(colour), 0);
    assert.equal(decoded.samples, 3);
    assert.deepEqual(Array.from(decoded.values), Array.from(rgb));
    const corrupt = encapsulate(plain, '1.2.840.10008.1.2.4.90', [
      frames[0]?.subarray(0, 20) ?? new Uint8Array(0),
      frames[1] ?? new Uint8Array(0),
    ]);
    assert.throws(() => readDicom(corrupt, { frame: 0 }), /cannot decode the compressed frame: \S/);
  });
});
