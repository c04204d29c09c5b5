import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ColorType } from 'pngjs';
import { DatasetError } from '../../../../src/trainer/data/dataset';
import { decodeImage, detectImageFormat } from '../../../../src/trainer/data/decodeImage';
import { loadFolder } from '../../../../src/trainer/data/folder';
import { assertClose, temporaryFolder, pixelsOf } from '../../../support/dataHelpers';

/** An 8-bit PNG from RGBA bytes, saved as gray (0), RGB (2) or RGBA (6). */
function png8(
  width: number,
  height: number,
  rgba: (x: number, y: number) => [number, number, number, number],
  colorType: ColorType,
): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set(rgba(x, y), (y * width + x) * 4);
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true, bitDepth: 8 });
}

/** A 16-bit gray or RGB PNG (pngjs takes 16-bit input as native-endian RGBA Uint16 values). */
function png16(width: number, height: number, value: (x: number, y: number) => number, colorType: 0 | 2): Buffer {
  const samples = new Uint16Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const v = value(p % width, Math.floor(p / width));
    samples.set([v, v, v, 65535], p * 4);
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(samples.buffer);
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true, bitDepth: 16 });
}

/** A palette PNG built by hand (pngjs cannot write one): 8-bit indices into `palette`. */
function palettePng(
  width: number,
  height: number,
  palette: [number, number, number][],
  index: (x: number, y: number) => number,
): Buffer {
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // depth 8, colour type 3 (palette), no interlace
  const rows = Buffer.alloc(height * (width + 1)); // each row: filter byte 0 + indices
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = index(x, y);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', Uint8Array.from(palette.flat())),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function jpeg(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return encodeJpeg({ data, width, height }, 95).data;
}

const close = (actual: number | undefined, expected: number, tolerance: number) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${actual}`,
  );

describe('decodeImage', () => {
  it('keeps 16-bit precision and gray as one channel', () => {
    const decoded = decodeImage(
      png16(3, 2, () => 40000, 0),
      '16.png',
    );
    assert.deepEqual(decoded.shape, [2, 3, 1]);
    // 40000/65535 = 0.61036; rounded to 8 bits it would be 156/255 = 0.61176.
    close(decoded.pixels[0], 40000 / 65535, 1e-6);
  });

  it('reads 16-bit RGB, 8-bit RGB, RGBA (alpha dropped) and palette PNGs as 3 channels', () => {
    const rgb16 = decodeImage(
      png16(2, 2, (x) => (x === 0 ? 0 : 65535), 2),
      'rgb16.png',
    );
    assert.deepEqual(rgb16.shape, [2, 2, 3]);
    assert.deepEqual(Array.from(rgb16.pixels.subarray(0, 6)), [0, 0, 0, 1, 1, 1]);
    const rgb = decodeImage(
      png8(2, 1, (x) => (x === 0 ? [255, 0, 0, 255] : [0, 0, 255, 255]), 2),
      'rgb.png',
    );
    assert.deepEqual(Array.from(rgb.pixels), [1, 0, 0, 0, 0, 1]);
    const rgba = decodeImage(
      png8(1, 1, () => [51, 102, 153, 10], 6),
      'rgba.png',
    );
    assert.deepEqual(rgba.shape, [1, 1, 3]);
    assert.deepEqual(
      Array.from(rgba.pixels).map((v) => Math.round(v * 255)),
      [51, 102, 153],
    );
    const palette = decodeImage(
      palettePng(
        2,
        2,
        [
          [255, 0, 0],
          [0, 255, 0],
          [10, 20, 30],
        ],
        (x, y) => (y === 0 ? x : 2),
      ),
      'palette.png',
    );
    assert.deepEqual(palette.shape, [2, 2, 3]);
    assert.deepEqual(
      Array.from(palette.pixels).map((v) => Math.round(v * 255)),
      [255, 0, 0, 0, 255, 0, 10, 20, 30, 10, 20, 30],
    );
  });

  it('reads a JPEG as RGB', () => {
    const decoded = decodeImage(jpeg(8, 8, [200, 100, 50]), 'a.jpg');
    assert.deepEqual(decoded.shape, [8, 8, 3]);
    close(decoded.pixels[0], 200 / 255, 0.03);
    close(decoded.pixels[1], 100 / 255, 0.03);
    close(decoded.pixels[2], 50 / 255, 0.03);
  });

  it('detects formats by content and names the file when decoding fails', () => {
    assert.equal(detectImageFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
    assert.equal(detectImageFormat(Uint8Array.from([1, 2, 3])), null);
    assert.throws(() => decodeImage(Uint8Array.from([1, 2, 3]), 'x.png'), /x\.png: not a PNG or JPEG image/);
    const truncated = png8(4, 4, () => [1, 2, 3, 255], 2).subarray(0, 40);
    assert.throws(
      () => decodeImage(truncated, 'cut.png'),
      (error: unknown) => {
        assert.ok(error instanceof DatasetError);
        assert.equal(error.file, 'cut.png');
        assert.equal(
          error.message,
          'cut.png: the PNG file is truncated: it ends after 40 bytes, before its image does',
        );
        return true;
      },
    );
  });

  it('says whether a PNG or JPEG that does not decode is truncated or corrupt', () => {
    const png = png8(6, 6, (x, y) => [x * 40, y * 40, 7, 255], 2);
    for (const length of [8, 20, 33, 50, png.length - 12, png.length - 1])
      assert.throws(
        () => decodeImage(png.subarray(0, length), 'cut.png'),
        new RegExp(
          `^DatasetError: cut\\.png: the PNG file is truncated: it ends after ${length} bytes, before its image does$`,
        ),
      );
    const damaged = Buffer.from(png);
    const idat = damaged.indexOf('IDAT');
    damaged.fill(0x55, idat + 4, idat + 12);
    assert.throws(
      () => decodeImage(damaged, 'bad.png'),
      /^DatasetError: bad\.png: the PNG file is corrupt: it cannot be decoded \(.+\)$/,
    );
    const garbage = Buffer.concat([png.subarray(0, 8), Buffer.from('garbage garbage garbage')]);
    assert.throws(() => decodeImage(garbage, 'garbage.png'), /garbage\.png: the PNG file is corrupt/);

    const rgba = Buffer.alloc(32 * 32 * 4, 90);
    const jpeg = encodeJpeg({ data: rgba, width: 32, height: 32 }, 90).data;
    for (const length of [jpeg.length - 2, jpeg.length - 100, Math.floor(jpeg.length / 2)])
      assert.throws(
        () => decodeImage(jpeg.subarray(0, length), 'cut.jpg'),
        new RegExp(
          `^DatasetError: cut\\.jpg: the JPEG file is truncated: it ends after ${length} bytes, before its image does$`,
        ),
      );
    const damagedJpeg = Buffer.from(jpeg);
    // The quantisation tables' marker (FF DB) turned into an unknown one.
    damagedJpeg[damagedJpeg.indexOf(Buffer.from([0xff, 0xdb])) + 1] = 0x01;
    assert.throws(
      () => decodeImage(damagedJpeg, 'bad.jpg'),
      /^DatasetError: bad\.jpg: the JPEG file is corrupt: it cannot be decoded \(.+\)$/,
    );
  });
});

describe('loadFolder', () => {
  const root = temporaryFolder('folder');
  const dataset = join(root.path, 'lesions');
  after(root.remove);
  before(() => {
    mkdirSync(join(dataset, 'benign'), { recursive: true });
    mkdirSync(join(dataset, 'malignant'));
    mkdirSync(join(dataset, '.hidden'));
    writeFileSync(
      join(dataset, 'benign', 'a.png'),
      png8(4, 4, () => [100, 100, 100, 255], 0),
    );
    writeFileSync(
      join(dataset, 'benign', 'b.png'),
      png16(8, 8, () => 40000, 0),
    );
    writeFileSync(join(dataset, 'benign', 'c.JPG'), jpeg(6, 6, [128, 128, 128]));
    writeFileSync(join(dataset, 'benign', 'notes.txt'), 'not an image');
    writeFileSync(
      join(dataset, 'malignant', 'd.png'),
      png8(4, 4, () => [255, 0, 0, 255], 2),
    );
    writeFileSync(
      join(dataset, 'malignant', 'e.png'),
      palettePng(2, 2, [[0, 0, 255]], () => 0),
    );
    // A gradient to check that resizing really happens: 8 wide, columns 0..7 → 0, 32, …, 224.
    writeFileSync(
      join(dataset, 'malignant', 'f.png'),
      png8(8, 4, (x) => [x * 32, x * 32, x * 32, 255], 0),
    );
  });

  it('loads classes from sorted subfolders, resized to the target shape, without splits', async () => {
    const loaded = await loadFolder(dataset, [4, 4, 1]);
    assert.deepEqual(loaded.classes, ['benign', 'malignant']);
    assert.equal(loaded.train.count, 6);
    assert.deepEqual(loaded.train.shape, [4, 4, 1]);
    assert.deepEqual(Array.from(loaded.train.labels), [0, 0, 0, 1, 1, 1]);
    assert.equal(loaded.val, null);
    assert.equal(loaded.test, null);
    assert.match(loaded.description, /lesions \(folder, 6 images\)/);
    const image = (n: number) => pixelsOf(loaded.train).subarray(n * 16, (n + 1) * 16);
    assert.ok(image(0).every((v) => Math.abs(v - 100 / 255) < 1e-6));
    assert.ok(
      image(1).every((v) => Math.abs(v - 40000 / 65535) < 1e-6),
      '16-bit image resized from 8×8',
    );
    assert.ok(
      image(2).every((v) => Math.abs(v - 128 / 255) < 0.03),
      'JPEG',
    );
    // Converted from 8-bit PNGs, the luma is rounded to 8 bits: within half an 8-bit step.
    const halfStep = 0.5 / 255 + 1e-7;
    assert.ok(
      image(3).every((v) => Math.abs(v - 0.299) < halfStep),
      'red → luma',
    );
    assert.ok(
      image(4).every((v) => Math.abs(v - 0.114) < halfStep),
      'palette blue → luma',
    );
    // 8 → 4 columns averages pairs: (0+32)/2 = 16, then 80, 144, 208.
    assert.deepEqual(
      Array.from(image(5).subarray(0, 4)).map((v) => Math.round(v * 255)),
      [16, 80, 144, 208],
    );
  });

  it('reads 16-bit PNGs that never pass 4095 as 12-bit data, with 8-bit PNGs beside them unchanged', async () => {
    const twelve = join(root.path, 'twelve');
    mkdirSync(join(twelve, 'a'), { recursive: true });
    mkdirSync(join(twelve, 'b'));
    writeFileSync(
      join(twelve, 'a', '1.png'),
      png16(4, 4, () => 1000, 0),
    );
    writeFileSync(
      join(twelve, 'a', '2.png'),
      png8(4, 4, () => [51, 51, 51, 255], 0),
    );
    // 8×4, its first two columns bright: padding, resizing and rescaling commute.
    writeFileSync(
      join(twelve, 'b', '3.png'),
      png16(8, 4, (x) => (x < 2 ? 4000 : 400), 0),
    );
    const loaded = await loadFolder(twelve, [4, 4, 1], { resize: 'pad' });
    const image = (n: number) => pixelsOf(loaded.train).subarray(n * 16, (n + 1) * 16);
    // Rescaled in 16 bits: within half a 16-bit step.
    assert.ok(image(0).every((v) => Math.abs(v - 1000 / 4095) < 0.5 / 65535 + 1e-7));
    assert.ok(image(1).every((v) => Math.abs(v - 0.2) < 1e-6));
    // Padded to 2 rows of 4 in the middle; columns average pairs: (4000 + 4000) / 2, then 400s.
    assertClose(image(2).subarray(4, 8), [4000 / 4095, 400 / 4095, 400 / 4095, 400 / 4095]);
    assertClose(image(2).subarray(0, 4), [0, 0, 0, 0]);
    assert.deepEqual(loaded.scaling, [
      { storedAs: '16-bit PNG', implied: [0, 65535], found: [400, 4000], assumed: [0, 4095], reason: '12-bit data' },
    ]);
  });

  it('converts to RGB when the target has 3 channels', async () => {
    const loaded = await loadFolder(dataset, [2, 2, 3]);
    assert.deepEqual(loaded.train.shape, [2, 2, 3]);
    const size = 2 * 2 * 3;
    assert.deepEqual(Array.from(pixelsOf(loaded.train).subarray(3 * size, 3 * size + 3)), [1, 0, 0]);
    const gray = pixelsOf(loaded.train).subarray(0, 3);
    assert.ok(gray.every((v) => Math.abs(v - 100 / 255) < 1e-6));
  });

  it('names a corrupt image', async () => {
    const broken = join(root.path, 'broken');
    mkdirSync(join(broken, 'a'), { recursive: true });
    mkdirSync(join(broken, 'b'));
    writeFileSync(
      join(broken, 'a', 'ok.png'),
      png8(2, 2, () => [0, 0, 0, 255], 0),
    );
    writeFileSync(
      join(broken, 'b', 'bad.png'),
      Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.from('garbage garbage garbage'),
      ]),
    );
    await assert.rejects(loadFolder(broken, [2, 2, 1]), (error: unknown) => {
      assert.ok(error instanceof DatasetError);
      assert.equal(error.file, join(broken, 'b', 'bad.png'));
      assert.match(error.message, /bad\.png: the PNG file is corrupt: it cannot be decoded/);
      return true;
    });
  });

  it('explains an empty class folder, a single class and a folder without class subfolders', async () => {
    const emptyClass = join(root.path, 'empty-class');
    mkdirSync(join(emptyClass, 'a'), { recursive: true });
    mkdirSync(join(emptyClass, 'b'));
    writeFileSync(
      join(emptyClass, 'a', 'x.png'),
      png8(2, 2, () => [0, 0, 0, 255], 0),
    );
    writeFileSync(join(emptyClass, 'b', 'readme.md'), '');
    await assert.rejects(
      loadFolder(emptyClass, [2, 2, 1]),
      /class folder "b" has no PNG or JPEG images; expected one subfolder per class/,
    );
    const single = join(root.path, 'single');
    mkdirSync(join(single, 'only'), { recursive: true });
    await assert.rejects(loadFolder(single, [2, 2, 1]), /only one class subfolder \(only\)/);
    const flat = join(root.path, 'flat');
    mkdirSync(flat);
    writeFileSync(
      join(flat, 'x.png'),
      png8(2, 2, () => [0, 0, 0, 255], 0),
    );
    await assert.rejects(loadFolder(flat, [2, 2, 1]), /no class subfolders; expected one subfolder per class/);
  });
});
