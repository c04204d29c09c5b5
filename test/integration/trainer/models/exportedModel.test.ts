// The exported model is usable as it is: a TF.js app that loads model/ from the run directory and
// applies metadata.json's threshold to the positive class's output reproduces the sensitivity and
// specificity the run reported (chosen on validation, with temperature scaling on).
import assert from 'node:assert/strict';
import { pixelsOf } from '../../../support/dataHelpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tensor4d } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { experimentSchema } from '../../../../src/shared/experiment/schema';
import type { ImageShape } from '../../../../src/trainer/data/dataset';
import { loadModel, readModelMetadata } from '../../../../src/trainer/models/modelFiles';
import { loadRunData } from '../../../../src/trainer/pipeline/loadRunData';
import { useWasm } from '../../../support/wasmTestSetup';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { metricsFileSchema } from '../../../../src/shared/run/metricsFile';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const EXPERIMENT = tinyExperiment({
  name: 'exported',
  seed: 5,
  backend: 'wasm',
  source: { dataset: synthetic('source', 800), epochs: 2 },
  target: { dataset: synthetic('target', 400), labelsPerClass: 15 },
  fineTune: { headEpochs: 2, epochs: 2 },
  evaluation: {
    bootstrap: { resamples: 300 },
    operatingPoint: { rule: 'sensitivity', target: 0.8 },
    calibration: { temperatureScaling: true },
  },
});

describe('the exported model and its metadata.json', () => {
  let runDir = '';

  before(() => {
    const folder = temporaryFolder('exported');
    const result = runCli(['run', writeExperiment(folder, 'exported', EXPERIMENT), '--no-progress']);
    assert.equal(result.status, 0, result.stderr);
    runDir = runDirFromOutput(result.stdout);
    assert.match(result.stdout, /ROC AUC .*\(.* to .*\)/, 'AUC with its CI in the table');
    assert.match(
      result.stdout,
      /DeLong's test, AUC fine-tuned vs scratch: difference [+-]\d\.\d{3} \(95% CI .*\), z -?\d+\.\d\d, p (< 0\.001|\d\.\d{3})/,
    );
  });

  it('reproduces the reported sensitivity and specificity from model.json, weights and metadata alone', async () => {
    await useWasm();
    const metrics = metricsFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')));
    const experiment = experimentSchema.parse(JSON.parse(readFileSync(join(runDir, 'experiment.json'), 'utf8')));
    const shape = experiment.model.inputShape as ImageShape;
    const { target } = await loadRunData(experiment, shape, shape);

    for (const [folder, name] of [
      ['model', 'fine-tuned'],
      ['scratch-model', 'scratch'],
    ] as const) {
      const metadata = readModelMetadata(join(runDir, folder));
      const reported = metrics.models[name]?.operatingPoint;
      assert.ok(metadata?.decision && reported, `${folder}: decision and operating point`);
      assert.equal(metadata.positiveClass, 'lesion');
      assert.deepEqual(metadata.classes, ['normal', 'lesion']);
      assert.deepEqual(metadata.inputShape, [20, 20, 1]);
      assert.equal(metadata.decision.rule, 'sensitivity');
      assert.equal(metadata.decision.chosenOn, 'val');
      assert.ok(metadata.decision.temperature !== null && metadata.decision.temperature > 0);

      const model = await loadModel(join(runDir, folder));
      const output = model.predict(
        tensor4d(pixelsOf(target.test), [target.test.count, ...metadata.inputShape]),
      ) as Tensor;
      const probabilities = output.dataSync();
      output.dispose();
      const { positiveClassIndex: k, threshold } = metadata.decision;
      const counts = { tp: 0, fn: 0, tn: 0, fp: 0 };
      target.test.labels.forEach((label, i) => {
        const positive = (probabilities[i * 2 + k] as number) >= threshold;
        counts[label === k ? (positive ? 'tp' : 'fn') : positive ? 'fp' : 'tn']++;
      });
      const { tp, fn, tn, fp } = counts;
      assert.equal(tp / (tp + fn), reported.sensitivity, `${folder} sensitivity`);
      assert.equal(tn / (tn + fp), reported.specificity, `${folder} specificity`);
      model.dispose();
    }
  });

  it('reports intervals, curves, calibration with the fitted temperature, and the comparison', () => {
    const events = readEvents(runDir);
    const [fineTuned, scratch] = eventsOf(events, 'evaluation').map((event) => event.metrics);
    assert.ok(fineTuned && scratch);
    for (const metrics of [fineTuned, scratch]) {
      const auc = metrics.intervals?.auc;
      assert.ok(auc && auc.low <= auc.estimate && auc.estimate <= auc.high);
      assert.equal(metrics.intervals?.bootstrap.resamples, 300);
      assert.ok((metrics.roc?.[0]?.points.length ?? 0) >= 3);
      assert.ok(metrics.calibration?.temperature && metrics.calibration.eceBeforeScaling !== undefined);
      assert.ok((metrics.operatingPoint?.validation?.sensitivity ?? 0) >= 0.8, 'the target was reached on validation');
    }
    const [comparison] = eventsOf(events, 'comparison');
    assert.ok(comparison?.comparison.delong);
    const gain = comparison.comparison.gain.auc;
    assert.ok(gain && Math.abs(gain.estimate - ((fineTuned.auc ?? 0) - (scratch.auc ?? 0))) < 1e-12);
    const metrics = metricsFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')));
    assert.deepEqual(metrics.comparison, comparison.comparison);
    assert.equal(metrics.seed, 5);
  });
});
