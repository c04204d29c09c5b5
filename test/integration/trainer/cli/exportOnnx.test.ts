// `medtransfer export --format onnx` through the built CLI: a run folder from a tiny experiment
// (resnet-small, trained so that batch norm holds real statistics) and a model folder from
// `medtransfer import` give .onnx files whose probabilities, in onnxruntime-web, are our model's
// (and, for the import, PyTorch's) within 1e-4; the metadata carries the classes, the
// preprocessing and the run's decision threshold; a folder without a model is refused.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadModel } from '../../../../src/trainer/models/modelFiles';
import type { ModelMetadata } from '../../../../src/trainer/models/modelFiles';
import { SeededRandom } from '../../../../src/trainer/random';
import { runCli, runDirFromOutput, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { readOnnxSummary } from '../../../support/onnxFile';
import { runOnnx, toleranceUsed } from '../../../support/onnxRuntime';
import { skipMissing } from '../../../support/prerequisites';
import { tinyExperiment } from '../../../support/tinyExperiment';
import {
  fixtureImages,
  fixtureLogits,
  fixtureWeights,
  torchvisionFixtures,
} from '../../../support/torchvisionFixtures';
import type { FixturesResult } from '../../../support/torchvisionFixtures';

const SHAPE = [20, 20, 1] as const;
let runDir = '';
let fixtures: FixturesResult;

before(async () => {
  assert.ok(await tf.setBackend('cpu'));
  const folder = temporaryFolder('export-onnx');
  const file = writeExperiment(
    folder,
    'exported',
    tinyExperiment({ name: 'exported', model: { architecture: 'resnet-small', inputShape: [...SHAPE] } }),
  );
  const run = runCli(['run', file, '--no-progress']);
  assert.equal(run.status, 0, run.stderr);
  runDir = runDirFromOutput(run.stdout);
  fixtures = await torchvisionFixtures();
});

function metadataOf(modelDir: string): ModelMetadata {
  return JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8')) as ModelMetadata;
}

async function ourProbabilities(modelDir: string, images: Float32Array, shape: number[]): Promise<Float32Array> {
  const model = await loadModel(modelDir);
  const input = tf.tensor(images, shape);
  const output = model.predict(input) as tf.Tensor;
  const values = output.dataSync() as Float32Array;
  tf.dispose([input, output]);
  model.dispose();
  return values;
}

function softmax(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - top));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}

describe('medtransfer export --format onnx', () => {
  it('writes a run’s fine-tuned model with its classes, preprocessing and threshold', async () => {
    const result = runCli(['export', runDir, '--format', 'onnx']);
    assert.equal(result.status, 0, result.stderr);
    const file = join(runDir, 'model.onnx');
    assert.match(result.stdout, /model\.onnx \([\d.]+ MB, ONNX opset 17\)/);
    assert.match(result.stdout, /output: +probabilities of normal, lesion/);
    const bytes = readFileSync(file);

    const saved = metadataOf(join(runDir, 'model'));
    assert.ok(saved.decision, 'the binary run chose an operating point');
    const { metadata, input, output } = readOnnxSummary(bytes);
    assert.deepEqual(input, { name: 'images', dims: ['batch', ...SHAPE] });
    assert.deepEqual(output, { name: 'probabilities', dims: ['batch', 2] });
    assert.equal(metadata.format, 'medtransfer-onnx/1');
    assert.equal(metadata.architecture, 'resnet-small');
    assert.deepEqual(JSON.parse(metadata.classes ?? ''), ['normal', 'lesion']);
    assert.deepEqual(JSON.parse(metadata.input_shape ?? ''), [...SHAPE]);
    assert.equal(JSON.parse(metadata.preprocessing ?? '').name, 'none');
    assert.equal(metadata.positive_class, 'lesion');
    assert.equal(Number(metadata.threshold), saved.decision.threshold);
    assert.equal(JSON.parse(metadata.decision ?? '').positiveClassIndex, saved.decision.positiveClassIndex);
    assert.equal(metadata.run_id, saved.runId);
    assert.match(metadata.input ?? '', /channels last, pixel values in \[0, 1\]/);

    const random = new SeededRandom(11);
    const shape = [4, ...SHAPE];
    const images = Float32Array.from({ length: 4 * SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => random.next());
    const expected = await ourProbabilities(join(runDir, 'model'), images, shape);
    const onnx = await runOnnx(bytes, images, shape);
    assert.ok(toleranceUsed(onnx.output, expected) <= 1, `onnx ${[...onnx.output]}\nours ${[...expected]}`);
  });

  it('takes the model folder itself, and writes the same file to --out', () => {
    const out = join(temporaryFolder('export-onnx-out'), 'fine-tuned.onnx');
    const result = runCli(['export', join(runDir, 'model'), '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readFileSync(out), readFileSync(join(runDir, 'model.onnx')));
  });

  it('refuses a folder without a model, and another format', () => {
    const empty = temporaryFolder('export-onnx-empty');
    const missing = runCli(['export', empty, '--format', 'onnx']);
    assert.equal(missing.status, 3);
    assert.match(
      missing.stderr,
      /is neither a run folder with a fine-tuned model \(model\/model\.json\) nor a model folder/,
    );
    assert.equal(existsSync(join(empty, 'model.onnx')), false);
    const format = runCli(['export', runDir, '--format', 'tflite']);
    assert.equal(format.status, 2);
    assert.match(format.stderr, /--format is one of: onnx/);
  });

  it('writes an imported resnet18 whose probabilities are PyTorch’s', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const folder = temporaryFolder('export-onnx-import');
    const modelDir = join(folder, 'resnet18');
    const imported = runCli([
      'import',
      fixtureWeights(fixtures.dir, 'resnet18'),
      '--architecture',
      'resnet18',
      '--size',
      '64',
      '--preprocessing',
      'none',
      '--out',
      modelDir,
    ]);
    assert.equal(imported.status, 0, imported.stderr);
    const result = runCli(['export', modelDir, '--format', 'onnx']);
    assert.equal(result.status, 0, result.stderr);
    const bytes = readFileSync(join(modelDir, 'model.onnx'));

    const { shape, values } = await fixtureImages(fixtures.dir, '64x64');
    const onnx = await runOnnx(bytes, values, shape);
    const ours = await ourProbabilities(modelDir, values, shape);
    assert.ok(toleranceUsed(onnx.output, ours) <= 1, `onnx ${[...onnx.output]}\nours ${[...ours]}`);
    const logits = (await fixtureLogits(fixtures.dir, 'resnet18'))['64x64'] ?? [];
    const pytorch = logits.flatMap(softmax);
    assert.ok(toleranceUsed(onnx.output, pytorch) <= 1, `onnx ${[...onnx.output]}\nPyTorch ${pytorch}`);
    const { metadata } = readOnnxSummary(bytes);
    assert.equal(metadata.architecture, 'resnet18');
    assert.equal(metadata.classes, JSON.stringify(Array.from({ length: 10 }, (_, index) => `class ${index}`)));
  });
});
