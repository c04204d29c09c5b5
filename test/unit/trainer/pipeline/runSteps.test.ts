// The run's steps follow its plan: each phase the plan announces in run-started is run by
// exactly one step, in the announced order, whatever the strategy, baseline and source.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import type { Experiment } from '../../../../src/shared/experiment/schema';
import { STRATEGIES } from '../../../../src/shared/experiment/schema';
import { PHASES } from '../../../../src/shared/run/events';
import { planRun } from '../../../../src/trainer/pipeline/plan';
import { RUN_STEPS, stepsOf } from '../../../../src/trainer/pipeline/runSteps';

function experiment(options: { strategy: string; scratch: boolean; pretrained: boolean }): Experiment {
  const origin = options.pretrained
    ? 'pretrained: runs/demo/20261124-101500/model'
    : 'source: { dataset: { type: synthetic, task: source, samples: 200 }, epochs: 2 }';
  const parsed = parseExperiment(
    [
      'name: plan',
      'model: { architecture: seed-cnn, inputShape: [28, 28, 1] }',
      origin,
      'target: { dataset: { type: synthetic, task: target, samples: 200 }, labelsPerClass: 5 }',
      `fineTune: { strategy: ${options.strategy}, headEpochs: 2, epochs: 3 }`,
      `baseline: { scratch: ${options.scratch} }`,
    ].join('\n'),
  );
  assert.ok(parsed.ok, JSON.stringify(parsed.ok ? null : parsed.diagnostics));
  return parsed.experiment;
}

const CASES = STRATEGIES.flatMap((strategy) =>
  [true, false].flatMap((scratch) => [true, false].map((pretrained) => ({ strategy, scratch, pretrained }))),
);

describe('the steps of a run', () => {
  for (const options of CASES) {
    it(`run each planned phase once, in order: ${JSON.stringify(options)}`, () => {
      const plan = planRun(experiment(options));
      const steps = stepsOf(plan);
      assert.deepEqual(
        steps.flatMap((step) => (step.phase ? [step.phase] : [])),
        plan.phases,
      );
      const names = steps.map((step) => step.name);
      const dataAt = names.indexOf('load the data');
      assert.ok(dataAt >= 0);
      if (options.pretrained) {
        // The pretrained model fixes the image size the target data is loaded at.
        assert.ok(names.indexOf('load the pretrained model') < dataAt);
        assert.ok(!names.includes('pretrain on the source task'));
      } else {
        assert.ok(names.indexOf('pretrain on the source task') > dataAt);
        assert.ok(!names.includes('load the pretrained model'));
      }
      assert.equal(names.at(-1), 'saliency maps');
    });
  }

  it('have a step for every phase', () => {
    for (const phase of PHASES)
      assert.ok(
        RUN_STEPS.some((step) => step.phase === phase),
        phase,
      );
  });

  it('skip the phases a strategy does not have', () => {
    const featureExtraction = planRun(
      experiment({ strategy: 'feature-extraction', scratch: false, pretrained: false }),
    );
    assert.deepEqual(featureExtraction.phases, ['source', 'head', 'evaluate']);
    const full = planRun(experiment({ strategy: 'full', scratch: true, pretrained: true }));
    assert.deepEqual(full.phases, ['source', 'finetune', 'scratch', 'evaluate']);
    assert.equal(full.base, 'pretrained');
  });
});
