// `medtransfer predict` on a run trained through the real CLI on a folder of 8-bit PNG files: the
// probabilities equal the run's own (saliency.json's, computed by the evaluation on the same
// pixels), the decisions are taken at the run's operating point, folders and CSV lists are read,
// DICOM and NIfTI files give rows named by their paths only, and bad files are named and skipped.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { decideClass } from '../../../../src/shared/run/modelDecision';
import type { OperatingPointDecision } from '../../../../src/shared/run/modelDecision';
import { parseSkippedLines } from '../../../../src/shared/run/predictionSkips';
import { saliencyFileSchema } from '../../../../src/shared/run/saliency';
import type { SaliencyFile } from '../../../../src/shared/run/saliency';
import { EXIT } from '../../../../src/shared/run/trainerExitCodes';
import { runCli, runDirFromOutput, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { PLANTED, dicomBytes, niftiBytes } from '../../../support/medicalFixtures';
import { tinyExperiment } from '../../../support/tinyExperiment';

const SIZE = 24;
let runDir = '';
let saliency: SaliencyFile;
let decision: OperatingPointDecision;

/** A gray 8-bit PNG of SIZE×SIZE: noise, with a bright disk for a lesion. */
function pngBytes(seed: number, lesion: boolean): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE });
  let state = seed * 2654435761;
  const random = (): number => ((state = (state * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
  const [cy, cx] = [6 + random() * 12, 6 + random() * 12];
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const inside = lesion && (y - cy) ** 2 + (x - cx) ** 2 < 12;
      const value = Math.round(inside ? 200 + random() * 55 : random() * 90);
      png.data.set([value, value, value, 255], (y * SIZE + x) * 4);
    }
  return PNG.sync.write(png, { colorType: 0 });
}

/** A saliency example's stored image (the model's input as uint8) as a PNG file: the dataset's own pixels. */
function examplePng(file: string, exampleIndex: number): void {
  const example = saliency.examples[exampleIndex];
  assert.ok(example);
  const png = new PNG({ width: example.width, height: example.height });
  const pixels = Buffer.from(example.image, 'base64');
  for (let p = 0; p < example.width * example.height; p++)
    png.data.set([pixels[p] ?? 0, pixels[p] ?? 0, pixels[p] ?? 0, 255], p * 4);
  writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
}

function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

before(() => {
  const folder = temporaryFolder('predict-run');
  for (const [label, lesion] of [
    ['normal', false],
    ['lesion', true],
  ] as const) {
    mkdirSync(join(folder, 'data', label), { recursive: true });
    for (let n = 0; n < 40; n++)
      writeFileSync(join(folder, 'data', label, `${label}-${n}.png`), pngBytes(n + (lesion ? 1000 : 0), lesion));
  }
  const experiment = tinyExperiment({
    name: 'predicted',
    model: { inputShape: [SIZE, SIZE, 1] },
    target: { dataset: { type: 'folder', path: join(folder, 'data') }, classes: ['normal', 'lesion'] },
    baseline: { scratch: false },
    evaluation: { positiveClass: 'lesion', saliency: { samplesPerClass: 3 } },
  });
  const result = runCli(['run', writeExperiment(folder, 'predicted', experiment), '--quiet']);
  assert.equal(result.status, 0, result.stderr);
  runDir = runDirFromOutput(result.stdout);
  saliency = saliencyFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'saliency.json'), 'utf8')));
  const metadata = JSON.parse(readFileSync(join(runDir, 'model', 'metadata.json'), 'utf8')) as {
    decision: OperatingPointDecision;
  };
  decision = metadata.decision;
});

describe('medtransfer predict on a run', () => {
  it('gives the probabilities of the run’s own evaluation for the same images, and its decisions', () => {
    const folder = temporaryFolder('predict-same');
    mkdirSync(join(folder, 'images', 'nested'), { recursive: true });
    const files = saliency.examples.map((_, n) => join('images', n % 2 ? 'nested' : '', `example-${n}.png`));
    files.forEach((file, n) => examplePng(join(folder, file), n));
    writeFileSync(join(folder, 'images', 'notes.txt'), 'not listed: not an image by its name');
    const result = runCli(['predict', runDir, 'images'], { cwd: folder });
    assert.equal(result.status, EXIT.ok, result.stderr);
    assert.match(result.stderr, /1 file in the folders left out/);
    const rows = csvRows(result.stdout);
    assert.deepEqual(Object.keys(rows[0] ?? {}), ['path', 'slice', 'p(normal)', 'p(lesion)', 'decision']);
    assert.deepEqual(rows.map((row) => row.path).sort(), [...files].sort());
    for (const row of rows) {
      const n = Number(/example-(\d+)/.exec(row.path ?? '')?.[1]);
      const recorded = saliency.examples[n]?.explanations.find((entry) => entry.model === 'fine-tuned');
      assert.ok(recorded);
      const probabilities = [Number(row['p(normal)']), Number(row['p(lesion)'])];
      probabilities.forEach((p, k) =>
        assert.ok(
          Math.abs(p - (recorded.probabilities[k] ?? NaN)) < 1e-5,
          `${row.path}: ${p} vs ${recorded.probabilities[k]}`,
        ),
      );
      assert.equal(row.slice, '');
      const expected = decideClass(probabilities, decision).predicted;
      assert.equal(row.decision, saliency.classes[expected]);
      assert.equal(expected, recorded.predicted);
    }
  });

  it('writes JSON with the operating point, and reads a CSV list relative to its folder', () => {
    const folder = temporaryFolder('predict-json');
    mkdirSync(join(folder, 'list', 'pngs'), { recursive: true });
    examplePng(join(folder, 'list', 'pngs', 'a.png'), 0);
    writeFileSync(join(folder, 'list', 'cases.csv'), 'case,path\n1,pngs/a.png\n2,"pngs/a.png"\n');
    const out = join(folder, 'predictions.json');
    const result = runCli(['predict', runDir, '--csv', join(folder, 'list', 'cases.csv'), '--json', '--out', out]);
    assert.equal(result.status, EXIT.ok, result.stderr);
    assert.match(result.stdout, /2 predictions written to /);
    const written = JSON.parse(readFileSync(out, 'utf8')) as {
      classes: string[];
      decision: OperatingPointDecision & { positiveClass: string };
      predictions: { path: string; probabilities: number[]; decision: string }[];
    };
    assert.deepEqual(written.classes, ['normal', 'lesion']);
    const { positiveClassIndex, threshold, rule } = decision;
    assert.deepEqual(written.decision, { positiveClassIndex, threshold, rule, positiveClass: 'lesion' });
    assert.deepEqual(
      written.predictions.map((row) => row.path),
      ['pngs/a.png', 'pngs/a.png'],
    );
  });

  it('names DICOM and NIfTI rows by their paths only, and names and skips bad files with exit code 5', () => {
    const folder = temporaryFolder('predict-bad');
    mkdirSync(join(folder, 'scans', 'ct'), { recursive: true });
    const pixels = Uint16Array.from({ length: SIZE * SIZE }, (_, i) => (i * 37) % 4096);
    writeFileSync(
      join(folder, 'scans', 'ct', 'IM0001'),
      dicomBytes({ rows: SIZE, columns: SIZE, pixels, identifiers: true }),
    );
    const volume = Int16Array.from({ length: SIZE * SIZE * 5 }, (_, i) => (i * 13) % 1000);
    writeFileSync(join(folder, 'scans', 'head.nii.gz'), niftiBytes([SIZE, SIZE, 5], volume, { gzip: true }));
    const good = readFileSync(join(folder, 'scans', 'head.nii.gz'));
    writeFileSync(join(folder, 'scans', 'cut.png'), pngBytes(1, true).subarray(0, 60));
    writeFileSync(join(folder, 'notes.png'), 'not an image');
    writeFileSync(join(folder, 'broken.nii.gz'), good.subarray(0, 40));
    const result = runCli(['predict', runDir, 'scans', 'notes.png', 'broken.nii.gz', 'gone.png'], { cwd: folder });
    assert.equal(result.status, EXIT.skipped, result.stderr);
    const rows = csvRows(result.stdout);
    assert.deepEqual(
      rows.map((row) => [row.path, row.slice]),
      [
        ['scans/ct/IM0001', ''],
        ['scans/head.nii.gz', 'axial slice 2'],
      ],
    );
    for (const value of Object.values(PLANTED)) assert.ok(!result.stdout.includes(value), value);
    assert.match(result.stderr, /1 DICOM file carries patient or staff identifiers/);
    const skipped = parseSkippedLines(result.stderr);
    assert.deepEqual(
      skipped.map((entry) => entry.path),
      ['gone.png', 'scans/cut.png', 'notes.png', 'broken.nii.gz'],
    );
    assert.match(skipped[0]?.reason ?? '', /no such file/);
    assert.match(skipped[1]?.reason ?? '', /truncated/);
    assert.match(skipped[2]?.reason ?? '', /not a PNG or JPEG image/);
    assert.match(result.stderr, /4 files skipped \(exit code 5\)/);
  });

  it('refuses a folder that is no run or model, and a command line without images', () => {
    const folder = temporaryFolder('predict-usage');
    const noModel = runCli(['predict', folder, 'a.png']);
    assert.equal(noModel.status, EXIT.failed);
    assert.match(noModel.stderr, /is neither a MedTransfer run folder .* nor a model folder/);
    const noImages = runCli(['predict', runDir]);
    assert.equal(noImages.status, EXIT.usage);
    assert.match(noImages.stderr, /predict needs images/);
  });
});
