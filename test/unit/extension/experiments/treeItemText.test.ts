import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { summarizeExperiment } from '../../../../src/extension/experiments/experimentSummary';
import {
  escapeMarkdown,
  experimentItemSpec,
  queuedItemSpec,
  runItemSpec,
} from '../../../../src/extension/experiments/treeItemText';
import type { RunItemInput } from '../../../../src/extension/experiments/treeItemText';
import { completedRun, runEnded, runStarted } from '../../../support/runEvents';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../support/paths';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, { command: string; when?: string }[]> };
};

const VALID =
  'name: demo\nmodel: { architecture: seed-cnn }\nsource: { dataset: { type: synthetic, task: source } }\ntarget: { dataset: { type: synthetic, task: target } }\n';

function run(overrides: Partial<RunItemInput>): RunItemInput {
  return {
    runId: '20261124-101500',
    experimentName: 'demo',
    runDir: '/ws/runs/demo/20261124-101500',
    state: replayRunEvents(completedRun()),
    controllable: false,
    stopping: false,
    lastEventAt: null,
    now: 0,
    ...overrides,
  };
}

describe('tree items', () => {
  it('describes a completed run by its key result, with a metrics table in the tooltip', () => {
    const spec = runItemSpec(run({}));
    assert.equal(spec.label, '20261124-101500');
    assert.equal(spec.description, 'AUC 0.93 vs 0.73 scratch');
    assert.deepEqual(spec.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(spec.contextValue, 'run.completed');
    assert.match(spec.tooltip, /\| fine-tuned \| 0\.930 \|/);
    assert.match(spec.tooltip, /\| scratch \| 0\.730 \|/);
    assert.match(spec.tooltip, /Transfer gain: \+0\.200 AUC/);
    assert.match(spec.tooltip, /backend wasm · 13 s/);
  });

  it('gives each status its icon and context value', () => {
    const running = runItemSpec(run({ state: replayRunEvents([runStarted(0)]), controllable: true }));
    assert.deepEqual([running.icon.id, running.contextValue], ['sync~spin', 'run.running.controllable']);
    assert.equal(runItemSpec(run({ state: replayRunEvents([runStarted(0)]) })).contextValue, 'run.running');
    assert.equal(
      runItemSpec(run({ state: replayRunEvents([runStarted(0), runEnded(1, 'stopped')]) })).icon.id,
      'debug-stop',
    );
    const failed = runItemSpec(
      run({ state: replayRunEvents([runStarted(0), runEnded(1, 'failed', 'out of memory')]) }),
    );
    assert.deepEqual(
      [failed.icon.id, failed.description, failed.contextValue],
      ['error', 'failed: out of memory', 'run.failed'],
    );
    assert.match(failed.tooltip, /Error: out of memory/);
    const withKind = runItemSpec(
      run({ state: replayRunEvents([runStarted(0), runEnded(1, 'failed', 'the loss became NaN', 'diverged')]) }),
    );
    assert.equal(withKind.description, 'failed (training diverged): the loss became NaN');
    assert.match(withKind.tooltip, /Error \(training diverged\): the loss became NaN\n\nLower the learning rate/);
  });

  it('marks a resumable run for the Resume entries (and the package.json menus match it)', () => {
    const interrupted = runItemSpec(
      run({
        state: replayRunEvents([runStarted(0), runEnded(1, 'interrupted', 'the trainer was killed by SIGKILL')]),
        resumable: true,
      }),
    );
    assert.deepEqual(
      [interrupted.icon.id, interrupted.contextValue],
      ['debug-disconnect', 'run.interrupted.resumable'],
    );
    assert.match(interrupted.tooltip, /Resume continues it from its last checkpoint/);
    assert.match(interrupted.contextValue, /^run\..*\.resumable/, 'the menu `when` regex of medtransfer.resumeRun');
    assert.equal(
      runItemSpec(run({ state: replayRunEvents([runStarted(0), runEnded(1, 'stopped')]) })).contextValue,
      'run.stopped',
    );
    const running = runItemSpec(run({ state: replayRunEvents([runStarted(0)]), controllable: true }));
    assert.match(running.tooltip, /keeps running if this window reloads or closes/);
  });

  it('shows a submitted run pending until its trainer starts, then running; both can be stopped (scancel)', () => {
    const pending = runItemSpec(run({ state: replayRunEvents([]), slurmJob: { jobId: '41' } }));
    assert.equal(pending.description, 'pending · SLURM job 41');
    assert.equal(pending.icon.id, 'watch');
    assert.equal(pending.contextValue, 'run.pending.slurm');
    const running = runItemSpec(run({ state: replayRunEvents([runStarted(0)]), slurmJob: { jobId: '41' } }));
    assert.equal(running.contextValue, 'run.running.slurm');
    const stopWhen = (manifest.contributes.menus['view/item/context'] ?? []).find(
      (item) => item.command === 'medtransfer.stopRun',
    )?.when;
    for (const value of [pending.contextValue, running.contextValue])
      assert.ok(new RegExp(/viewItem =~ \/(.*)\/$/.exec(stopWhen ?? '')?.[1] ?? '^$').test(value), value);
    const cancelled = runItemSpec(
      run({ state: replayRunEvents([]), slurmJob: { jobId: '41', endedBeforeStart: 'SLURM job 41 was cancelled' } }),
    );
    assert.deepEqual([cancelled.description, cancelled.contextValue], ['never started', 'run.stopped']);
    assert.match(cancelled.tooltip, /SLURM job 41 was cancelled/);
  });

  it('flags a run started elsewhere that went quiet', () => {
    const state = replayRunEvents([runStarted(0)]);
    const quiet = runItemSpec(run({ state, lastEventAt: 0, now: 15 * 60_000 }));
    assert.match(quiet.description, /quiet for 15 min$/);
    assert.match(quiet.tooltip, /started outside this window/);
    assert.doesNotMatch(
      runItemSpec(run({ state, controllable: true, lastEventAt: 0, now: 15 * 60_000 })).description,
      /quiet/,
    );
    assert.equal(runItemSpec(run({ state, controllable: true, stopping: true })).description, 'stopping…');
  });

  it('describes an experiment by its runs, or its problems', () => {
    const valid = experimentItemSpec({
      stem: 'demo',
      relativePath: 'demo.experiment.yaml',
      summary: summarizeExperiment(VALID),
      runCount: 2,
      activity: 'idle',
    });
    assert.deepEqual(
      [valid.label, valid.description, valid.icon.id, valid.contextValue],
      ['demo', '2 runs', 'beaker', 'experiment.idle.hasRuns'],
    );
    assert.match(valid.tooltip, /seed-cnn, two-phase fine-tuning on synthetic target/);
    const invalid = experimentItemSpec({
      stem: 'broken',
      relativePath: 'broken.experiment.yaml',
      summary: summarizeExperiment('name: broken\nmodel: {}\n'),
      runCount: 0,
      activity: 'idle',
    });
    assert.equal(invalid.label, 'broken');
    assert.match(invalid.description, /^\d+ problems · no runs$/);
    assert.equal(invalid.icon.id, 'warning');
    assert.match(invalid.tooltip, /- line \d+: /);
    assert.equal(
      experimentItemSpec({
        stem: 'demo',
        relativePath: 'x',
        summary: summarizeExperiment(VALID),
        runCount: 1,
        activity: 'running',
      }).contextValue,
      'experiment.running.hasRuns',
    );
  });

  it('shows a queued run and how long it waited', () => {
    const spec = queuedItemSpec(2, 0, 3 * 60_000);
    assert.deepEqual([spec.label, spec.description, spec.contextValue], ['queued (#2)', 'waiting 3 min', 'queued']);
  });

  it('escapes Markdown in user text', () => {
    assert.equal(escapeMarkdown('a_b *c* [x](y)'), 'a\\_b \\*c\\* \\[x\\]\\(y\\)');
  });
});
