import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { readLabelTable } from '../../../../../src/trainer/data/csv/readLabelTable';
import { fitImage } from '../../../../../src/trainer/data/fitImage';
import { floatStore } from '../../../../../src/trainer/data/imageStore';
import { loadDataset } from '../../../../../src/trainer/data/loadDataset';
import { prepareDataset } from '../../../../../src/trainer/data/prepareDataset';
import { groupStratifiedSplit } from '../../../../../src/trainer/data/splits';
import { SeededRandom } from '../../../../../src/trainer/random';
import { temporaryFolder, pixelsOf } from '../../../../support/dataHelpers';
import { dicomBytes } from '../../../../support/medicalFixtures';

/** A 16-bit gray PNG of one value. */
function png16(width: number, height: number, value: number): Buffer {
  const samples = new Uint16Array(width * height * 4).fill(value);
  for (let p = 0; p < width * height; p++) samples[p * 4 + 3] = 65535;
  const png = new PNG({ width, height });
  png.data = Buffer.from(samples.buffer);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 6, inputHasAlpha: true, bitDepth: 16 });
}

describe('readLabelTable', () => {
  const root = temporaryFolder('csv-table');
  after(root.remove);

  it('reads CSV and TSV with named columns, paths relative to the table', async () => {
    writeFileSync(join(root.path, 'a.tsv'), 'path\tclass\tfold\nimg/1.png\tyes\tTrain\n/abs/2.png\tno\tvalidation\n');
    const rows = await readLabelTable(join(root.path, 'a.tsv'), {
      imageColumn: 'path',
      labelColumn: 'class',
      splitColumn: 'fold',
    });
    assert.deepEqual(rows, [
      { path: join(root.path, 'img', '1.png'), label: 'yes', split: 'train' },
      { path: '/abs/2.png', label: 'no', split: 'val' },
    ]);
  });

  it('names a missing column, a bad split and an empty cell with the row', async () => {
    const file = join(root.path, 'b.csv');
    writeFileSync(file, 'image,label,split\nx.png,a,train\ny.png,,test\n');
    await assert.rejects(
      readLabelTable(file, { imageColumn: 'file', labelColumn: 'label' }),
      /b\.csv: no column "file" \(imageColumn\); the columns are: image, label, split/,
    );
    await assert.rejects(readLabelTable(file, { imageColumn: 'image', labelColumn: 'label' }), /row 3: empty label/);
    writeFileSync(file, 'image,label,split\nx.png,a,holdout\n');
    await assert.rejects(
      readLabelTable(file, { imageColumn: 'image', labelColumn: 'label', splitColumn: 'split' }),
      /row 2: split "holdout" is not one of train, val, test/,
    );
  });
});

describe('fitImage', () => {
  const tall = {
    pixels: Float32Array.from([1, 1, 1, 1]),
    shape: [4, 1, 1] as [number, number, number],
    depth: 8 as const,
  };
  it('pads, crops or stretches a non-square image', () => {
    assert.deepEqual(Array.from(fitImage(tall, [2, 2, 1], 'stretch')), [1, 1, 1, 1]);
    // Pad: 4×1 → 2×1 (rounded to 1 column) centred in 2×2: one black column.
    assert.deepEqual(Array.from(fitImage(tall, [2, 2, 1], 'pad')), [1, 0, 1, 0]);
    assert.deepEqual(Array.from(fitImage(tall, [2, 2, 3], 'crop')), new Array(12).fill(1));
  });
});

describe('groupStratifiedSplit', () => {
  it('never puts one group in two parts and keeps classes in each part', () => {
    const count = 40;
    const labels = Int32Array.from({ length: count }, (_, i) => Math.floor(i / 4) % 2);
    const groups = Int32Array.from({ length: count }, (_, i) => Math.floor(i / 4));
    const set = {
      images: floatStore(new Float32Array(count), count, [1, 1, 1]),
      labels,
      count,
      shape: [1, 1, 1] as [number, number, number],
      groups,
    };
    const parts = groupStratifiedSplit(set, [0.6, 0.2, 0.2], new SeededRandom(3));
    const seen = parts.map((part) => new Set(part.groups));
    for (let a = 0; a < seen.length; a++)
      for (let b = a + 1; b < seen.length; b++)
        for (const group of seen[a] ?? []) assert.ok(!seen[b]?.has(group), `group ${group} in parts ${a} and ${b}`);
    assert.deepEqual(
      parts.map((part) => part.count),
      [24, 8, 8],
    );
    for (const part of parts) assert.deepEqual(new Set(part.labels), new Set([0, 1]));
  });
});

describe('loadDataset: csv', () => {
  const root = temporaryFolder('csv');
  after(root.remove);
  before(() => {
    mkdirSync(join(root.path, 'images'));
    const rows = ['image,label,patient'];
    for (let i = 0; i < 24; i++) {
      const name = i % 3 === 0 ? `images/${i}.dcm` : `images/${i}.png`;
      const positive = i % 2 === 1;
      if (i % 3 === 0)
        writeFileSync(
          join(root.path, name),
          dicomBytes({ rows: 6, columns: 6, pixels: new Array(36).fill(positive ? 3000 : 200), window: [2000, 4000] }),
        );
      else writeFileSync(join(root.path, name), png16(6, 3, positive ? 60000 : 5000));
      rows.push(`${name},${positive ? 'effusion' : 'clear'},P${Math.floor(i / 2) % 8}`);
    }
    writeFileSync(join(root.path, 'labels.csv'), rows.join('\n'));
  });

  it('loads 16-bit PNGs and DICOM side by side and splits by patient', async () => {
    const loaded = await loadDataset(
      { type: 'csv', path: join(root.path, 'labels.csv'), patientColumn: 'patient', resize: 'stretch' },
      [4, 4, 1],
      1,
    );
    assert.deepEqual(loaded.classes, ['clear', 'effusion']);
    assert.equal(loaded.train.count, 24);
    assert.equal(loaded.groupedBy, 'patient');
    // 16-bit precision survives: 60000/65535.
    assert.ok(Math.abs((pixelsOf(loaded.train)[16] ?? 0) - 60000 / 65535) < 1e-3);
    const prepared = prepareDataset(loaded, { shape: [4, 4, 1], seed: 1, validationFraction: 0.25 });
    assert.match(prepared.report.notes.join('\n'), /patients per split \(none shared\): train \d+, val \d+, test \d+/);
    assert.equal(prepared.train.count + prepared.val.count + prepared.test.count, 24);
  });
});
