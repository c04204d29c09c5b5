// `medtransfer predict` on a model folder from `medtransfer import` that kept its weight file's own
// head: the top 5 classes with PyTorch's softmax probabilities (the generator's, within 1e-4) and
// ImageNet's names for a 1,000-class head; `class N` for a head of another size.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { EXIT } from '../../../../src/shared/run/trainerExitCodes';
import { runCli, temporaryFolder } from '../../../support/cliHarness';
import { skipMissing } from '../../../support/prerequisites';
import { predictFixtures, predictReference } from '../../../support/predictFixtures';
import type { PredictReference } from '../../../support/predictFixtures';
import type { FixturesResult } from '../../../support/pythonFixtures';
import { fixtureWeights, torchvisionFixtures } from '../../../support/torchvisionFixtures';

let fixtures: FixturesResult;
let reference: PredictReference;

before(async () => {
  fixtures = await predictFixtures();
  if ('dir' in fixtures) reference = await predictReference(fixtures.dir);
});

function importModel(file: string, size: number): string {
  const out = join(temporaryFolder('predict-import'), 'model');
  const result = runCli(['import', file, '--architecture', 'resnet18', '--size', String(size), '--out', out]);
  assert.equal(result.status, EXIT.ok, result.stderr);
  return out;
}

describe('medtransfer predict on an imported model', () => {
  it('gives the top 5 ImageNet classes with PyTorch’s softmax probabilities', (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const { dir } = fixtures;
    const model = importModel(join(dir, 'resnet18_imagenet.safetensors'), 64);
    const result = runCli(['predict', model, ...reference.images], { cwd: dir });
    assert.equal(result.status, EXIT.ok, result.stderr);
    const rows = parse(result.stdout, { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((row) => row.path),
      reference.images,
    );
    rows.forEach((row, n) => {
      const expected = (reference.probabilities[n] ?? [])
        .map((probability, index) => ({ index, probability }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, 5);
      expected.forEach(({ index, probability }, k) => {
        const rank = `top${k + 1}`;
        assert.equal(Number(row[`${rank}_index`]), index, `${row.path} ${rank}`);
        assert.equal(row[`${rank}_class`], reference.categories[index]);
        const ours = Number(row[`${rank}_probability`]);
        assert.ok(Math.abs(ours - probability) < 1e-4, `${row.path} ${rank}: ${ours} vs PyTorch ${probability}`);
      });
    });
  });

  it('names the classes of a head that is not ImageNet’s `class N`', async (context) => {
    const torchvision = await torchvisionFixtures();
    if ('missing' in torchvision) return skipMissing(context, torchvision.missing);
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const model = importModel(fixtureWeights(torchvision.dir, 'resnet18'), 64);
    const result = runCli(['predict', model, join(fixtures.dir, 'image-0.png'), '--json']);
    assert.equal(result.status, EXIT.ok, result.stderr);
    const written = JSON.parse(result.stdout) as {
      answer: string;
      classes: string[];
      predictions: { top: { index: number; class: string; probability: number }[] }[];
    };
    assert.equal(written.answer, 'top');
    assert.equal(written.classes.length, 10);
    const top = written.predictions[0]?.top ?? [];
    assert.equal(top.length, 5);
    for (const entry of top) assert.equal(entry.class, `class ${entry.index}`);
    const probabilities = top.map((entry) => entry.probability);
    assert.deepEqual(
      probabilities,
      [...probabilities].sort((a, b) => b - a),
    );
  });
});
