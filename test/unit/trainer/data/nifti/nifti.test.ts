import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readNiftiSlices, sliceIndices } from '../../../../../src/trainer/data/nifti/readNifti';
import { loadDataset } from '../../../../../src/trainer/data/loadDataset';
import { temporaryFolder } from '../../../../support/dataHelpers';
import { nifti2Bytes, niftiBytes } from '../../../../support/medicalFixtures';

/** Voxel value 100·k + 10·j + i: each slice is recognisable. */
const ramp = (ni: number, nj: number, nk: number): number[] => {
  const values: number[] = [];
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) values.push(100 * k + 10 * j + i);
  return values;
};
const raw = { center: 250, width: 500 };
const unwindow = (v: number | undefined): number => Math.round((v ?? NaN) * 500);

describe('readNiftiSlices', () => {
  const volume = niftiBytes([3, 2, 5], ramp(3, 2, 5));

  it('takes the middle axial slice as [j, i]', () => {
    const [slice, more] = readNiftiSlices(volume, { axis: 'axial', mode: 'middle', step: 1 }, raw);
    assert.equal(more, undefined);
    assert.deepEqual(slice?.shape, [2, 3, 1]);
    assert.deepEqual(Array.from(slice?.pixels ?? [], unwindow), [200, 201, 202, 210, 211, 212]);
  });

  it('takes coronal and sagittal slices, every n-th and ranges', () => {
    const coronal = readNiftiSlices(volume, { axis: 'coronal', mode: 'range', step: 1, from: 1, to: 1 }, raw);
    assert.deepEqual(coronal[0]?.shape, [5, 3, 1]);
    assert.deepEqual(Array.from(coronal[0]?.pixels ?? [], unwindow).slice(0, 4), [10, 11, 12, 110]);
    const sagittal = readNiftiSlices(volume, { axis: 'sagittal', mode: 'every', step: 2 }, raw);
    assert.equal(sagittal.length, 2);
    assert.deepEqual(sagittal[1]?.shape, [5, 2, 1]);
    assert.deepEqual(Array.from(sagittal[1]?.pixels ?? [], unwindow).slice(0, 3), [2, 12, 102]);
    assert.deepEqual(sliceIndices({ axis: 'axial', mode: 'every', step: 3 }, 7), [0, 3, 6]);
    assert.throws(
      () => sliceIndices({ axis: 'axial', mode: 'range', step: 1, from: 5, to: 2 }, 7),
      /slice range 5\.\.2 is empty/,
    );
  });

  it('reads gzipped float volumes, applies scl_slope/inter and normalises by percentiles', () => {
    const gz = niftiBytes([2, 2, 1], [0, 1, 2, 3], { datatype: 'float32', slope: 2, intercept: 10, gzip: true });
    const [slice] = readNiftiSlices(gz, { axis: 'axial', mode: 'middle', step: 1 }, { center: 13, width: 6 });
    assert.deepEqual(
      Array.from(slice?.pixels ?? []).map((v) => Math.round(v * 6)),
      [0, 2, 4, 6],
    );
    const [auto] = readNiftiSlices(gz, { axis: 'axial', mode: 'middle', step: 1 }, undefined);
    assert.equal(auto?.pixels[0], 0);
    assert.equal(auto?.pixels[3], 1);
  });

  it('refuses a volume with a NaN or infinite voxel, naming the voxel, and names each slice it returns', () => {
    const values = ramp(3, 2, 5);
    values[2 + 3 * (1 + 2 * 4)] = Number.NaN; // voxel (2, 1, 4)
    values[0] = Number.POSITIVE_INFINITY;
    assert.throws(
      () =>
        readNiftiSlices(
          niftiBytes([3, 2, 5], values, { datatype: 'float32' }),
          { axis: 'axial', mode: 'middle', step: 1 },
          raw,
        ),
      /^Error: voxel \(0, 0, 0\) is Infinity \(2 non-finite voxels\): a model trained on it would get NaN weights/,
    );
    // A scl_slope that overflows float32 makes every voxel from 2 up infinite.
    assert.throws(
      () =>
        readNiftiSlices(
          niftiBytes([3, 2, 5], ramp(3, 2, 5), { slope: 3e38 }),
          { axis: 'axial', mode: 'middle', step: 1 },
          raw,
        ),
      /voxel \(2, 0, 0\) is Infinity \(28 non-finite voxels\)/,
    );
    const slices = readNiftiSlices(
      niftiBytes([3, 2, 5], ramp(3, 2, 5)),
      { axis: 'coronal', mode: 'every', step: 1 },
      raw,
    );
    assert.deepEqual(
      slices.map((slice) => slice.part),
      ['coronal slice 0', 'coronal slice 1'],
    );
  });

  it('reads NIfTI-2 volumes', () => {
    const [slice] = readNiftiSlices(
      nifti2Bytes([3, 2, 5], ramp(3, 2, 5)),
      { axis: 'axial', mode: 'range', step: 1, from: 4, to: 4 },
      raw,
    );
    assert.deepEqual(
      Array.from(slice?.pixels ?? [], unwindow),
      [400, 401, 402, 410, 411, 412].map((v) => Math.min(v, 500)),
    );
  });

  it('says what is wrong with a file that is not NIfTI', () => {
    assert.throws(
      () => readNiftiSlices(new Uint8Array(400), { axis: 'axial', mode: 'middle', step: 1 }, undefined),
      /not a NIfTI file/,
    );
    assert.throws(
      () =>
        readNiftiSlices(
          niftiBytes([4, 4, 4], ramp(4, 4, 4)).subarray(0, 400),
          { axis: 'axial', mode: 'middle', step: 1 },
          undefined,
        ),
      /truncated/,
    );
  });
});

describe('loadDataset: nifti', () => {
  const root = temporaryFolder('nifti');
  after(root.remove);
  before(() => {
    mkdirSync(join(root.path, 'volumes'));
    const rows = ['file,diagnosis,subject'];
    for (let v = 0; v < 6; v++) {
      writeFileSync(
        join(root.path, 'volumes', `v${v}.nii.gz`),
        niftiBytes(
          [4, 4, 4],
          ramp(4, 4, 4).map((x) => x + v * 7),
          { gzip: true },
        ),
      );
      rows.push(`volumes/v${v}.nii.gz,${v % 2 ? 'tumour' : 'normal'},s${Math.floor(v / 2)}`);
    }
    writeFileSync(join(root.path, 'labels.csv'), rows.join('\n'));
  });

  it('slices each labelled volume and groups slices by volume', async () => {
    const loaded = await loadDataset(
      {
        type: 'nifti',
        path: root.path,
        labels: 'labels.csv',
        imageColumn: 'file',
        labelColumn: 'diagnosis',
        slices: { mode: 'every', step: 2 },
      },
      [4, 4, 1],
      1,
    );
    assert.deepEqual(loaded.classes, ['normal', 'tumour']);
    assert.equal(loaded.train.count, 12);
    assert.equal(loaded.groupedBy, 'volume');
    assert.deepEqual(Array.from(loaded.train.groups ?? []), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });
});
