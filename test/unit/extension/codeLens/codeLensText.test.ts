import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { experimentLenses } from '../../../../src/extension/codeLens/codeLensText';
import { completedRun, epochEnded, phaseStarted, runStarted } from '../../../support/runEvents';

const ended = Date.parse(completedRun().at(-1)?.time ?? '');
const latest = {
  runDir: '/runs/demo/20261124-101500',
  runId: '20261124-101500',
  state: replayRunEvents(completedRun()),
};

describe('experiment code lenses', () => {
  it('offers Run, the dashboard and the last result with its age', () => {
    const lenses = experimentLenses({
      activity: { kind: 'idle' },
      trusted: true,
      latestRun: latest,
      now: ended + 2 * 3_600_000,
    });
    assert.deepEqual(
      lenses.map((lens) => [lens.action, lens.title]),
      [
        ['run', '▶ Run experiment'],
        ['open-dashboard', 'Open dashboard'],
        ['show-run', 'Last run: AUC 0.93 vs 0.73 scratch · 2 h ago'],
      ],
    );
    assert.equal(lenses[1]?.runDir, latest.runDir);
  });

  it('offers Resume last run for a resumable latest run, only in a trusted workspace', () => {
    const interrupted = {
      ...latest,
      state: {
        ...replayRunEvents([runStarted(0), phaseStarted(1, 'source', 5), epochEnded(2, 1, 0.7, 'source', 5)]),
        status: 'interrupted' as const,
      },
      resumable: true,
    };
    const lenses = experimentLenses({ activity: { kind: 'idle' }, trusted: true, latestRun: interrupted, now: ended });
    assert.deepEqual(
      lenses.slice(0, 2).map((lens) => [lens.action, lens.title]),
      [
        ['run', '▶ Run experiment'],
        ['resume', '↻ Resume last run'],
      ],
    );
    assert.equal(lenses[1]?.runDir, latest.runDir);
    assert.match(lenses[1]?.tooltip ?? '', /interrupted.*last checkpoint/);
    assert.ok(
      !experimentLenses({ activity: { kind: 'idle' }, trusted: false, latestRun: interrupted, now: ended }).some(
        (lens) => lens.action === 'resume',
      ),
    );
    assert.ok(
      !experimentLenses({
        activity: { kind: 'idle' },
        trusted: true,
        latestRun: { ...interrupted, resumable: false },
        now: ended,
      }).some((lens) => lens.action === 'resume'),
    );
  });

  it('offers Run on Cluster beside Run when the executor is slurm, only in a trusted workspace', () => {
    const input = { activity: { kind: 'idle' as const }, cluster: true, latestRun: null, now: ended };
    assert.deepEqual(
      experimentLenses({ ...input, trusted: true }).map((lens) => [lens.action, lens.title]),
      [
        ['run', '▶ Run experiment'],
        ['run-on-cluster', '☁ Run on Cluster'],
      ],
    );
    assert.ok(!experimentLenses({ ...input, trusted: false }).some((lens) => lens.action === 'run-on-cluster'));
    const pending = { runDir: '/runs/demo/20261207-101500', runId: '20261207-101500', state: replayRunEvents([]) };
    assert.equal(
      experimentLenses({ ...input, trusted: true, latestRun: { ...pending, pendingJob: '41' } }).at(-1)?.title,
      'Pending: SLURM job 41',
    );
    assert.equal(
      experimentLenses({ ...input, trusted: true, latestRun: { ...pending, neverStarted: true } }).at(-1)?.title,
      'Last run: never started (its SLURM job ended first)',
    );
  });

  it('offers only Run before the first run', () => {
    assert.deepEqual(
      experimentLenses({ activity: { kind: 'idle' }, trusted: true, latestRun: null, now: 0 }).map(
        (lens) => lens.title,
      ),
      ['▶ Run experiment'],
    );
  });

  it('offers Stop while it runs, with live progress', () => {
    const running = {
      ...latest,
      state: replayRunEvents([runStarted(0), phaseStarted(1, 'head', 5), epochEnded(2, 1, 0.66, 'head', 5)]),
    };
    const lenses = experimentLenses({
      activity: { kind: 'running', runDir: running.runDir, stopping: false },
      trusted: true,
      latestRun: running,
      now: 0,
    });
    assert.deepEqual(
      lenses.map((lens) => lens.title),
      ['■ Stop', 'Open dashboard', 'Running: head 2/5 · val AUC 0.66'],
    );
    assert.equal(lenses[0]?.runDir, running.runDir);
    const stopping = experimentLenses({
      activity: { kind: 'running', runDir: running.runDir, stopping: true },
      trusted: true,
      latestRun: running,
      now: 0,
    });
    assert.equal(stopping[0]?.title, '■ Stopping…');
  });

  it('shows the queue position with a way to cancel', () => {
    const [lens] = experimentLenses({
      activity: { kind: 'queued', position: 2 },
      trusted: true,
      latestRun: null,
      now: 0,
    });
    assert.deepEqual([lens?.action, lens?.title], ['cancel-queued', '⧗ Queued (#2) · Cancel']);
  });

  it('explains instead of running in Restricted Mode', () => {
    const [lens] = experimentLenses({ activity: { kind: 'idle' }, trusted: false, latestRun: latest, now: ended });
    assert.equal(lens?.action, 'explain-restricted');
    assert.match(lens?.title ?? '', /Restricted Mode/);
  });
});
