// Saliency at the end of a real run (saliency.json, the saliency event) and `medtransfer explain`
// on image files, through the built CLI.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { saliencyFileSchema } from '../../../../src/shared/run/saliency';
import type { SaliencyFile } from '../../../../src/shared/run/saliency';
import { eventsOf, readEvents, runCli, temporaryFolder } from '../../../support/cliHarness';
import { HOSTILE_CLASS, trainExplainedRun } from '../../../support/explainedRun';

let runDir = '';
let saliency: SaliencyFile;

before(() => {
  runDir = trainExplainedRun('explain');
  saliency = saliencyFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'saliency.json'), 'utf8')));
});

/** A saliency example's stored image as a PNG file (what a user would right-click). */
function writeExamplePng(folder: string, exampleIndex: number): string {
  const example = saliency.examples[exampleIndex];
  assert.ok(example);
  const png = new PNG({ width: example.width, height: example.height });
  const pixels = Buffer.from(example.image, 'base64');
  for (let p = 0; p < example.width * example.height; p++) {
    png.data.set([pixels[p] ?? 0, pixels[p] ?? 0, pixels[p] ?? 0, 255], p * 4);
  }
  const file = join(folder, `example-${exampleIndex}.png`);
  writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
  return file;
}

describe('saliency maps at the end of a run', () => {
  it('writes saliency.json: per class, correct and wrong, both models, HiResCAM (seed-cnn flattens its features), images and heatmaps of the input size', () => {
    assert.equal(saliency.split, 'test');
    assert.deepEqual(saliency.classes, ['normal', HOSTILE_CLASS]);
    assert.ok(saliency.examples.length >= 2, `${saliency.examples.length} examples`);
    for (const example of saliency.examples) {
      assert.equal(example.height, 24);
      assert.equal(Buffer.from(example.image, 'base64').length, 24 * 24 * example.channels);
      assert.deepEqual(
        example.explanations.map((entry) => entry.model),
        ['fine-tuned', 'scratch'],
      );
      for (const entry of example.explanations) {
        assert.equal(entry.method, 'hirescam');
        assert.equal(Buffer.from(entry.heatmap, 'base64').length, 24 * 24);
        assert.ok(Math.abs((entry.probabilities[entry.predicted] ?? 0) - entry.confidence) < 1e-9);
        assert.equal(Math.max(...entry.probabilities), entry.confidence);
      }
    }
    // The first model's sample: at most 2 per true class and outcome.
    for (const trueClass of [0, 1]) {
      for (const correct of [true, false]) {
        const count = saliency.examples.filter(
          (example) =>
            example.trueClass === trueClass && (example.explanations[0]?.predicted === trueClass) === correct,
        ).length;
        assert.ok(count <= 2, `class ${trueClass} ${correct ? 'correct' : 'wrong'}: ${count}`);
      }
    }
    const indices = saliency.examples.map((example) => example.index);
    assert.deepEqual(
      indices,
      [...new Set(indices)].sort((a, b) => a - b),
    );
  });

  it('emits a small saliency event and keeps pixels out of events.jsonl', () => {
    const [event] = eventsOf(readEvents(runDir), 'saliency');
    assert.ok(event);
    assert.equal(event.file, 'saliency.json');
    assert.equal(event.examples, saliency.examples.length);
    assert.deepEqual(
      event.models.map((entry) => entry.model),
      ['fine-tuned', 'scratch'],
    );
    assert.ok(JSON.stringify(event).length < 600);
    const firstImage = saliency.examples[0]?.image ?? '';
    assert.ok(!readFileSync(join(runDir, 'events.jsonl'), 'utf8').includes(firstImage.slice(0, 40)));
  });
});

describe('medtransfer explain', () => {
  it('explains PNG files with both models, agreeing with the run’s own maps of the same images', () => {
    const folder = temporaryFolder('explain-files');
    const files = [writeExamplePng(folder, 0), writeExamplePng(folder, 1)];
    const result = runCli(['explain', runDir, ...files, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const explained = saliencyFileSchema.parse(JSON.parse(result.stdout));
    assert.equal(explained.split, 'files');
    assert.deepEqual(explained.classes, saliency.classes);
    assert.deepEqual(
      explained.examples.map((example) => example.index),
      [0, 1],
    );
    assert.ok(!result.stdout.includes(folder), 'file paths are not repeated in the JSON');
    explained.examples.forEach((example, n) => {
      const recorded = saliency.examples[n];
      assert.ok(recorded);
      assert.equal(example.trueClass, null);
      // The PNG holds the 8-bit version of the run's input: the same image within 1/255.
      assert.equal(example.image, recorded.image);
      example.explanations.forEach((entry, m) => {
        const original = recorded.explanations[m];
        assert.equal(entry.model, original?.model);
        assert.equal(entry.predicted, original?.predicted);
        assert.ok(
          Math.abs(entry.confidence - (original?.confidence ?? 0)) < 0.02,
          `${entry.confidence} vs ${original?.confidence}`,
        );
      });
    });
  });

  it('prints a table without --json, and writes --out', () => {
    const folder = temporaryFolder('explain-table');
    const file = writeExamplePng(folder, 0);
    const out = join(folder, 'maps.json');
    const result = runCli(['explain', runDir, file, '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /fine-tuned: .+ \(\d+\.\d%, hirescam on block\d_\w+\); scratch: /);
    assert.ok(saliencyFileSchema.safeParse(JSON.parse(readFileSync(out, 'utf8'))).success);
  });

  it('fails clearly on a file that is no image, and on a folder that is no run', () => {
    const folder = temporaryFolder('explain-bad');
    const text = join(folder, 'notes.png');
    writeFileSync(text, 'not an image');
    const bad = runCli(['explain', runDir, text]);
    assert.equal(bad.status, 3);
    assert.match(bad.stderr, /notes\.png: not a PNG or JPEG image/);
    const noRun = runCli(['explain', folder, text]);
    assert.equal(noRun.status, 3);
    assert.match(noRun.stderr, /is not a MedTransfer run folder/);
    assert.equal(runCli(['explain', runDir]).status, 2);
  });
});
