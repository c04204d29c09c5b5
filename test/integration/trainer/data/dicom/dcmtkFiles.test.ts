// DICOM files written by dcmtk (img2dcm, dcmodify, dcmcrle, dcmcjpeg, dcmcjpls, dcmconv), the
// tools a hospital's export may have used: readDicom decodes what they write, or names what it
// cannot.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inflateSync, zlibSync } from 'fflate';
import { encode as encodeJpeg } from 'jpeg-js';
import { parseDicom } from 'dicom-parser';
import { readFramePixels } from '../../../../../src/trainer/data/dicom/pixelData';
import { readDicom } from '../../../../../src/trainer/data/dicom/readDicom';
import { assertClose, temporaryFolder } from '../../../../support/dataHelpers';
import { PLANTED, dcmtk, dicomBytes, hasDcmtk } from '../../../../support/medicalFixtures';
import { skipMissing } from '../../../../support/prerequisites';

describe('readDicom: files written by dcmtk', () => {
  const root = temporaryFolder('dcmtk');
  after(root.remove);

  it('decodes files written by dcmtk (img2dcm JPEG baseline, dcmodify tags)', (context) => {
    if (!hasDcmtk()) {
      skipMissing(context, 'dcmtk is not installed (apt-get install dcmtk)');
      return;
    }
    const jpeg = join(root.path, 'in.jpg');
    const width = 16;
    const height = 8;
    const rgba = Buffer.alloc(width * height * 4);
    for (let p = 0; p < width * height; p++) rgba.fill((p % width) * 16, p * 4, p * 4 + 3).writeUInt8(255, p * 4 + 3);
    writeFileSync(jpeg, encodeJpeg({ data: rgba, width, height }, 95).data);
    const file = join(root.path, 'out.dcm');
    dcmtk('img2dcm', ['-q', jpeg, file]);
    dcmtk('dcmodify', [
      '-nb',
      '-i',
      `(0010,0010)=${PLANTED.patientName}`,
      '-i',
      `(0010,0020)=${PLANTED.patientId}`,
      file,
    ]);
    const image = readDicom(readFileSync(file), { frame: 0 });
    assert.equal(image.hasIdentifiers, true);
    assert.equal(image.shape[0], height);
    assert.equal(image.shape[1], width);
    // A left-to-right ramp survives JPEG roughly.
    assert.ok((image.pixels[0] ?? 1) < 0.1);
    assert.ok((image.pixels[(width - 1) * image.shape[2]] ?? 0) > 0.8);
  });

  it('decodes RLE Lossless (dcmcrle), JPEG Lossless (dcmcjpeg) and JPEG-LS (dcmcjpls) exactly', (context) => {
    if (!hasDcmtk()) {
      skipMissing(context, 'dcmtk is not installed (apt-get install dcmtk)');
      return;
    }
    const plain = join(root.path, 'plain.dcm');
    const pixels = Int16Array.from({ length: 2 * 6 * 5 }, (_, i) => ((i * 397) % 4000) - 1500);
    writeFileSync(
      plain,
      dicomBytes({ rows: 6, columns: 5, frames: 2, pixels, signed: true, slope: 1, intercept: -24, window: [0, 3000] }),
    );
    const expected = [0, 1].map((frame) => readFramePixels(parseDicom(readFileSync(plain)), frame).values);
    // Stored values, rescaled: the intercept shows the sign survived.
    assert.equal(expected[0]?.[0], -1524);
    const cases: [string, string[], RegExp][] = [
      ['dcmcrle', [], /^1\.2\.840\.10008\.1\.2\.5\b/],
      ['dcmcjpeg', ['--encode-lossless-sv1'], /^1\.2\.840\.10008\.1\.2\.4\.70\b/],
      ['dcmcjpeg', ['--encode-lossless', '--selection-value', '6'], /^1\.2\.840\.10008\.1\.2\.4\.57\b/],
      ['dcmcjpeg', ['--encode-lossless', '--selection-value', '7'], /^1\.2\.840\.10008\.1\.2\.4\.57\b/],
      ['dcmcjpls', ['--encode-lossless'], /^1\.2\.840\.10008\.1\.2\.4\.80\b/],
    ];
    for (const [index, [tool, options, syntax]] of cases.entries()) {
      const file = join(root.path, `compressed${index}.dcm`);
      dcmtk(tool, [...options, plain, file]);
      const dataSet = parseDicom(readFileSync(file));
      assert.match(dataSet.string('x00020010') ?? '', syntax, `${tool} ${options.join(' ')}`);
      for (const frame of [0, 1]) {
        assert.deepEqual(
          readFramePixels(dataSet, frame).values,
          expected[frame],
          `${tool} ${options.join(' ')} frame ${frame}`,
        );
        assert.deepEqual(
          readDicom(readFileSync(file), { frame }).pixels,
          readDicom(readFileSync(plain), { frame }).pixels,
        );
      }
    }
  });

  it('decodes 8-bit RGB JPEG Lossless and JPEG-LS, and JPEG-LS near-lossless within its bound', (context) => {
    if (!hasDcmtk()) {
      skipMissing(context, 'dcmtk is not installed (apt-get install dcmtk)');
      return;
    }
    const rgb = join(root.path, 'rgb.dcm');
    const pixels = Array.from({ length: 7 * 9 * 3 }, (_, i) => (i * 37) % 256);
    writeFileSync(rgb, dicomBytes({ rows: 7, columns: 9, samples: 3, bits: 8, pixels }));
    for (const [tool, options] of [
      ['dcmcjpeg', ['--encode-lossless-sv1']],
      ['dcmcjpls', ['--encode-lossless']],
      ['dcmcjpls', ['--encode-lossless', '--interleave-none']],
    ] as const) {
      const file = join(root.path, `rgb-${tool}-${options.length}.dcm`);
      dcmtk(tool, [...options, rgb, file]);
      const decoded = readFramePixels(parseDicom(readFileSync(file)), 0);
      assert.equal(decoded.samples, 3);
      assert.deepEqual(Array.from(decoded.values), pixels, `${tool} ${options.join(' ')}`);
    }
    const gray = join(root.path, 'gray.dcm');
    const values = Array.from({ length: 8 * 8 }, (_, i) => (i * 613) % 4096);
    writeFileSync(gray, dicomBytes({ rows: 8, columns: 8, pixels: values }));
    const near = join(root.path, 'near.dcm');
    dcmtk('dcmcjpls', ['--encode-nearlossless', '--max-deviation', '2', gray, near]);
    const dataSet = parseDicom(readFileSync(near));
    assert.match(dataSet.string('x00020010') ?? '', /^1\.2\.840\.10008\.1\.2\.4\.81\b/);
    assertClose(readFramePixels(dataSet, 0).values, values, 2);
  });

  it('decodes Deflated Explicit VR Little Endian (dcmconv +td) to the pixels of the original', (context) => {
    if (!hasDcmtk()) {
      skipMissing(context, 'dcmtk is not installed (apt-get install dcmtk)');
      return;
    }
    const plain = join(root.path, 'deflate-in.dcm');
    const pixels = Int16Array.from({ length: 2 * 12 * 10 }, (_, i) => ((i * 397) % 4000) - 1500);
    writeFileSync(
      plain,
      dicomBytes({ rows: 12, columns: 10, frames: 2, pixels, signed: true, intercept: -24, identifiers: true }),
    );
    const deflated = join(root.path, 'deflated.dcm');
    dcmtk('dcmconv', ['+td', plain, deflated]);
    const bytes = readFileSync(deflated);
    // The data set really is compressed: the identifiers planted in it are not readable in the file.
    assert.equal(bytes.indexOf(PLANTED.patientName), -1);
    for (const frame of [0, 1]) {
      const original = readDicom(readFileSync(plain), { frame });
      const decoded = readDicom(bytes, { frame });
      assert.deepEqual(decoded.shape, original.shape);
      assert.deepEqual(decoded.pixels, original.pixels, `frame ${frame}`);
      assert.equal(decoded.hasIdentifiers, true);
    }

    // Against the standard, some writers put a zlib header on the stream: read those as well.
    const metaEnd = 132 + 12 + bytes.readUInt32LE(132 + 8);
    const wrapped = Buffer.concat([bytes.subarray(0, metaEnd), zlibSync(inflateSync(bytes.subarray(metaEnd)))]);
    assert.deepEqual(readDicom(wrapped, { frame: 1 }).pixels, readDicom(readFileSync(plain), { frame: 1 }).pixels);

    assert.throws(
      () => readDicom(bytes.subarray(0, metaEnd + 40), { frame: 0 }),
      /^Error: cannot parse the DICOM file \(truncated, or not DICOM\): the deflated data set does not inflate \(truncated or corrupt\)/,
    );
  });

  it('names a compressed syntax it cannot decode (JPEG extended, dcmcjpeg)', (context) => {
    if (!hasDcmtk()) {
      skipMissing(context, 'dcmtk is not installed (apt-get install dcmtk)');
      return;
    }
    const plain = join(root.path, 'extended-in.dcm');
    writeFileSync(
      plain,
      dicomBytes({ rows: 8, columns: 8, pixels: Array.from({ length: 64 }, (_, i) => i * 50), bits: 16 }),
    );
    const extended = join(root.path, 'extended.dcm');
    dcmtk('dcmcjpeg', ['--encode-extended', plain, extended]);
    assert.throws(
      () => readDicom(readFileSync(extended), { frame: 0 }),
      /transfer syntax JPEG Extended \(12-bit\) is not supported; convert the files to uncompressed DICOM first/,
    );
  });
});
