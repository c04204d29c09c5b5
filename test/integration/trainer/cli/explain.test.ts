// Saliency at the end of a real run (saliency.json, the saliency event) and `medtransfer explain`
// on image files, through the built CLI.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { decideClass, formatThreshold } from '../../../../src/shared/run/modelDecision';
import type { OperatingPointDecision } from '../../../../src/shared/run/modelDecision';
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

interface SavedDecision {
  decision: { positiveClassIndex: number; threshold: number; rule: OperatingPointDecision['rule'] };
}

/** A saved model's metadata.json, as far as these tests read it. */
function modelMetadata(model: 'fine-tuned' | 'scratch', dir = runDir): SavedDecision & Record<string, unknown> {
  const folder = model === 'fine-tuned' ? 'model' : 'scratch-model';
  return JSON.parse(readFileSync(join(dir, folder, 'metadata.json'), 'utf8')) as SavedDecision &
    Record<string, unknown>;
}

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
        // A binary run: each model answers at the operating point its metadata.json carries.
        const decision = modelMetadata(entry.model).decision;
        assert.deepEqual(entry.decision, {
          positiveClassIndex: decision.positiveClassIndex,
          threshold: decision.threshold,
          rule: decision.rule,
        });
        assert.deepEqual(
          { predicted: entry.predicted, argmax: entry.argmax },
          decideClass(entry.probabilities, entry.decision ?? null),
        );
        assert.equal(entry.probabilities[entry.argmax ?? -1], Math.max(...entry.probabilities));
      }
    }
    // Per model, true class and outcome (right or wrong at its operating point): at most 2 chosen in
    // that model's turn, and at most 2 more in the other model's.
    for (const model of [0, 1])
      for (const trueClass of [0, 1]) {
        for (const correct of [true, false]) {
          const count = saliency.examples.filter(
            (example) =>
              example.trueClass === trueClass && (example.explanations[model]?.predicted === trueClass) === correct,
          ).length;
          assert.ok(count <= 4, `model ${model}, class ${trueClass} ${correct ? 'correct' : 'wrong'}: ${count}`);
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
    assert.match(
      result.stdout,
      /fine-tuned: .+ at the operating point [\d.]+ \(p\(.+\) \d+\.\d%, (argmax: .+, )?hirescam on block\d_\w+\); scratch: /,
    );
    assert.ok(saliencyFileSchema.safeParse(JSON.parse(readFileSync(out, 'utf8'))).success);
  });

  it('answers at the model’s operating point where it differs from the argmax, and says both', () => {
    const folder = temporaryFolder('explain-threshold');
    // An image the fine-tuned model is not sure about, and a copy of the run whose fine-tuned model's
    // threshold (metadata.json) puts that image on the other side of the argmax.
    const n = saliency.examples.findIndex((example) => {
      const p = example.explanations[0]?.probabilities[1] ?? 0;
      return p > 0.02 && p < 0.98;
    });
    assert.ok(n >= 0, 'an example with a fine-tuned p(positive) between 0.02 and 0.98');
    const file = writeExamplePng(folder, n);
    const before = runCli(['explain', runDir, file, '--json']);
    assert.equal(before.status, 0, before.stderr);
    const p = saliencyFileSchema.parse(JSON.parse(before.stdout)).examples[0]?.explanations[0]?.probabilities[1] ?? 0;
    const argmax = p >= 0.5 ? 1 : 0;
    const threshold = argmax === 1 ? (p + 1) / 2 : p / 2;
    const copy = join(folder, 'run');
    cpSync(runDir, copy, { recursive: true });
    const metadata = modelMetadata('fine-tuned', copy);
    writeFileSync(
      join(copy, 'model', 'metadata.json'),
      JSON.stringify({ ...metadata, decision: { ...metadata.decision, threshold } }, null, 2),
    );

    const json = runCli(['explain', copy, file, '--json']);
    assert.equal(json.status, 0, json.stderr);
    const [entry] = saliencyFileSchema.parse(JSON.parse(json.stdout)).examples[0]?.explanations ?? [];
    assert.ok(entry && entry.model === 'fine-tuned');
    assert.equal(entry.argmax, argmax);
    assert.equal(entry.predicted, 1 - argmax, 'the answer is the thresholded one');
    assert.equal(entry.decision?.threshold, threshold);
    assert.equal(entry.probabilities[1], p);

    const text = runCli(['explain', copy, file]);
    assert.equal(text.status, 0, text.stderr);
    const classes = saliency.classes;
    const score = `p(${classes[1]}) ${((entry.probabilities[1] ?? 0) * 100).toFixed(1)}%`;
    assert.ok(
      text.stdout.includes(
        `fine-tuned: ${classes[1 - argmax]} at the operating point ${formatThreshold(threshold)} ` +
          `(${score}, argmax: ${classes[argmax]}, hirescam on `,
      ),
      text.stdout,
    );
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
