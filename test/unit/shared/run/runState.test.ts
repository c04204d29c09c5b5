import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEventLines } from '../../../../src/shared/run/eventLines';
import { isTrainerEvent } from '../../../../src/shared/run/events';
import type { TrainerEvent, TrainerEventBody } from '../../../../src/shared/run/events';
import type { ClinicalMetrics } from '../../../../src/shared/run/metrics';
import { fixturesDir } from '../../../support/paths';
import { replayRunEvents, summarizeResult, transferGain } from '../../../../src/shared/run/runState';
import { decideRunStatus } from '../../../../src/shared/run/runStatus';

function metrics(auc: number, balancedAccuracy: number, sensitivity: number): ClinicalMetrics {
  return {
    count: 10,
    accuracy: 0.8,
    balancedAccuracy,
    auc,
    positiveClass: 1,
    sensitivity,
    specificity: 0.7,
    perClass: [],
    confusion: [
      [4, 1],
      [1, 4],
    ],
    loss: 0.4,
  };
}

function stamp(bodies: TrainerEventBody[]): TrainerEvent[] {
  return bodies.map(
    (body, seq) =>
      ({ ...body, seq, time: new Date(Date.UTC(2026, 10, 24, 10, 15, seq)).toISOString() }) as TrainerEvent,
  );
}

const run = stamp([
  {
    type: 'run-started',
    runId: '20261124-101500',
    experimentName: 'demo',
    experimentFile: '/w/demo.experiment.yaml',
    runDir: '/w/runs/demo/20261124-101500',
    backend: 'wasm',
    backendNotes: [],
    phases: ['source', 'head', 'scratch', 'evaluate'],
    pretrained: null,
    pid: 42,
  },
  {
    type: 'phase-started',
    phase: 'head',
    description: 'head',
    epochs: 2,
    batchesPerEpoch: 3,
    learningRate: 0.001,
    trainableParams: 10,
    totalParams: 100,
  },
  { type: 'batch-ended', phase: 'head', epoch: 1, batch: 3, batches: 3, loss: 0.7, imagesPerSecond: 500 },
  {
    type: 'epoch-ended',
    phase: 'head',
    epoch: 1,
    epochs: 2,
    metrics: { loss: 0.7, accuracy: 0.5, valLoss: 0.6, valAccuracy: 0.6, valAuc: 0.7, valBalancedAccuracy: 0.6 },
    imagesPerSecond: 500,
    seconds: 1,
    valConfusion: [
      [3, 2],
      [2, 3],
    ],
    tensors: 50,
  },
  { type: 'phase-ended', phase: 'head', epochsRun: 1, stoppedEarly: true, bestEpoch: 1, seconds: 1 },
  { type: 'evaluation', model: 'fine-tuned', split: 'test', metrics: metrics(0.93, 0.85, 0.9) },
  { type: 'evaluation', model: 'scratch', split: 'test', metrics: metrics(0.73, 0.62, 0.5) },
  { type: 'run-ended', status: 'completed', error: null, errorKind: null, seconds: 12 },
]);

describe('run state', () => {
  it('replays a run into its final state', () => {
    const state = replayRunEvents(run);
    assert.equal(state.status, 'completed');
    assert.equal(state.backend, 'wasm');
    assert.equal(state.epochs.length, 1);
    assert.deepEqual(state.phases.head?.stoppedEarly, true);
    assert.equal(state.currentPhase, null);
    assert.equal(summarizeResult(state), 'AUC 0.93 vs 0.73 scratch');
    const gain = transferGain(state);
    assert.ok(gain && Math.abs((gain.auc ?? 0) - 0.2) < 1e-9 && Math.abs((gain.sensitivity ?? 0) - 0.4) < 1e-9);
  });

  it('keeps the latest data-progress, and validates it as a trainer event', () => {
    const [started] = run;
    assert.ok(started);
    const progress = stamp([
      { type: 'data-progress', stage: 'decoding', done: 0, total: 800 },
      { type: 'data-progress', stage: 'decoding', done: 120, total: 800, file: 'normal/IM0120.dcm' },
    ]).map((event) => ({ ...event, seq: event.seq + 1 }) as TrainerEvent);
    const state = replayRunEvents([started, ...progress]);
    assert.deepEqual(state.dataProgress, { stage: 'decoding', done: 120, total: 800 });
    assert.ok(isTrainerEvent(progress[1]));
    assert.ok(!isTrainerEvent({ ...progress[1], stage: 'reading' }));
    assert.equal(replayRunEvents(run).dataProgress, null);
  });

  it('keeps how a dataset was scaled from data-loaded, and reads data-loaded without it (older runs)', () => {
    const summary = {
      description: 'xray.npz (medmnist)',
      classes: ['class 0', 'class 1'],
      imageShape: [28, 28, 1] as [number, number, number],
      sizes: { train: [5, 5], val: [2, 2], test: [2, 2] },
    };
    const scaling = {
      storedAs: 'uint16',
      implied: [0, 65535] as [number, number],
      found: [0, 4000] as [number, number],
      assumed: [0, 4095] as [number, number],
      reason: '12-bit data',
    };
    const [older, newer] = stamp([
      { type: 'data-loaded', source: null, target: summary },
      { type: 'data-loaded', source: null, target: { ...summary, scaling: [scaling] } },
    ]);
    assert.ok(isTrainerEvent(older));
    assert.ok(isTrainerEvent(newer));
    assert.ok(!isTrainerEvent({ ...newer, target: { ...summary, scaling: [{ ...scaling, found: [0] }] } }));
    assert.equal(replayRunEvents([older as TrainerEvent]).target?.scaling, undefined);
    assert.deepEqual(replayRunEvents([newer as TrainerEvent]).target?.scaling, [scaling]);
  });

  it('is running with the current phase until run-ended, and ignores replayed events', () => {
    const partial = replayRunEvents([...run.slice(0, 3), run[1] as TrainerEvent]);
    assert.equal(partial.status, 'running');
    assert.equal(partial.currentPhase, 'head');
    assert.equal(partial.lastBatch?.batch, 3);
  });
});

describe('parseEventLines', () => {
  it('keeps an unfinished last line as the remainder and reports invalid lines', () => {
    const text = run
      .slice(0, 2)
      .map((event) => JSON.stringify(event))
      .join('\n');
    const parsed = parseEventLines(`${text}\n{"type":"nonsense"}\nnot json\n{"seq": 9, "ty`);
    assert.equal(parsed.events.length, 2);
    assert.deepEqual(parsed.invalidLines, [3, 4]);
    assert.equal(parsed.remainder, '{"seq": 9, "ty');
  });
});

describe('run state across an interruption and a resume', () => {
  const epoch = (phase: 'head' | 'finetune', number: number, loss: number): TrainerEventBody => ({
    type: 'epoch-ended',
    phase,
    epoch: number,
    epochs: 3,
    metrics: { loss, accuracy: 0.5, valLoss: loss, valAccuracy: 0.5, valAuc: 0.5, valBalancedAccuracy: 0.5 },
    imagesPerSecond: 100,
    seconds: 1,
    valConfusion: null,
    tensors: 10,
  });
  const phaseStarted = (phase: 'head' | 'finetune'): TrainerEventBody => ({
    type: 'phase-started',
    phase,
    description: phase,
    epochs: 3,
    batchesPerEpoch: 2,
    learningRate: 0.01,
    trainableParams: 1,
    totalParams: 2,
  });
  const started: TrainerEventBody = {
    type: 'run-started',
    runId: 'r',
    experimentName: 'demo',
    experimentFile: '/w/demo.experiment.yaml',
    runDir: '/w/runs/demo/r',
    backend: 'cpu',
    backendNotes: [],
    phases: ['source', 'head', 'finetune', 'evaluate'],
    pretrained: null,
    pid: 41,
  };
  const killed = stamp([
    started,
    phaseStarted('head'),
    epoch('head', 1, 0.9),
    epoch('head', 2, 0.8),
    epoch('head', 3, 0.7),
    { type: 'phase-ended', phase: 'head', epochsRun: 3, stoppedEarly: false, bestEpoch: null, seconds: 3 },
    phaseStarted('finetune'),
    epoch('finetune', 1, 0.6),
    // The trainer died after epoch 2 ended but before its checkpoint was written.
    epoch('finetune', 2, 0.5),
    { type: 'batch-ended', phase: 'finetune', epoch: 3, batch: 1, batches: 2, loss: 0.4, imagesPerSecond: 100 },
  ]);
  const resumedAt = killed.length;
  const resumed = stamp([
    {
      type: 'run-resumed',
      runId: 'r',
      pid: 77,
      backend: 'wasm',
      backendNotes: ['wasm: ok'],
      fromPhase: 'finetune',
      fromEpoch: 1,
      tornLineDropped: true,
    },
    epoch('finetune', 2, 0.45),
    epoch('finetune', 3, 0.4),
    { type: 'phase-ended', phase: 'finetune', epochsRun: 3, stoppedEarly: false, bestEpoch: null, seconds: 2 },
    { type: 'run-ended', status: 'completed', error: null, errorKind: null, seconds: 5 },
  ]).map((event) => ({ ...event, seq: event.seq + resumedAt }) as TrainerEvent);

  it('derives interrupted for a run without run-ended whose trainer is gone, and only then', () => {
    const state = replayRunEvents(killed);
    assert.equal(state.status, 'running');
    assert.equal(decideRunStatus(state, 'alive').status, 'running');
    assert.equal(decideRunStatus(state, 'unknown').status, 'running', 'a trainer that cannot be checked may run');
    const interrupted = decideRunStatus(state, 'gone');
    assert.equal(interrupted.status, 'interrupted');
    assert.equal(interrupted.errorKind, 'interrupted');
    assert.equal(interrupted.currentPhase, null);
    assert.equal(decideRunStatus(replayRunEvents(run), 'gone').status, 'completed', 'an ended run stays as it ended');
  });

  it('takes interrupted as an end status (written by the extension host)', () => {
    const ended = stamp([
      {
        type: 'run-ended',
        status: 'interrupted',
        error: 'the trainer was killed (SIGKILL)',
        errorKind: 'interrupted',
        seconds: 4,
      },
    ])[0];
    assert.ok(isTrainerEvent(ended));
    const state = replayRunEvents([...killed, { ...ended, seq: resumedAt } as TrainerEvent]);
    assert.equal(state.status, 'interrupted');
    assert.match(state.error ?? '', /SIGKILL/);
  });

  it('runs again after run-resumed, keeping what the checkpoint holds and dropping what it does not', () => {
    const ended = stamp([
      { type: 'run-ended', status: 'interrupted', error: 'killed', errorKind: 'interrupted', seconds: 4 },
    ]).map((event) => ({ ...event, seq: resumedAt }) as TrainerEvent);
    const shifted = resumed.map((event) => ({ ...event, seq: event.seq + 1 }) as TrainerEvent);
    const [resumedEvent] = shifted;
    assert.ok(resumedEvent);
    const midway = replayRunEvents([...killed, ...ended, resumedEvent]);
    assert.equal(midway.status, 'running');
    assert.equal(midway.error, null);
    assert.equal(midway.errorKind, null, 'running again: the interruption no longer applies');
    assert.equal(midway.endedAt, null);
    assert.equal(midway.pid, 77);
    assert.equal(replayRunEvents(killed).pidNamedAt, killed[0]?.time, 'run-started named the first pid');
    const resumedLater = { ...resumedEvent, time: '2026-11-24T12:00:00.000Z' };
    assert.equal(
      replayRunEvents([...killed, ...ended, resumedLater]).pidNamedAt,
      resumedLater.time,
      'run-resumed names the pid of the resumed trainer',
    );
    assert.equal(midway.backend, 'wasm');
    assert.deepEqual(midway.backendNotes, ['wasm: ok']);
    assert.equal(midway.currentPhase, 'finetune');
    assert.equal(midway.lastBatch, null);
    assert.deepEqual(
      midway.epochs.map((record) => `${record.phase}${record.epoch}`),
      ['head1', 'head2', 'head3', 'finetune1'],
      'finetune 2 came after the checkpoint',
    );
    assert.equal(midway.phases.head?.ended, true);
    assert.equal(midway.phases.finetune?.epochsDone, 1);
    assert.equal(midway.phases.finetune?.ended, false);

    const final = replayRunEvents([...killed, ...ended, ...shifted]);
    assert.equal(final.status, 'completed');
    assert.deepEqual(
      final.epochs.map((record) => `${record.phase}${record.epoch}:${record.metrics.loss}`),
      ['head1:0.9', 'head2:0.8', 'head3:0.7', 'finetune1:0.6', 'finetune2:0.45', 'finetune3:0.4'],
      'no epoch twice',
    );
    assert.equal(final.phases.finetune?.epochsDone, 3);
  });

  it('drops later phases and evaluations when resuming from an earlier phase', () => {
    const state = replayRunEvents([
      ...killed,
      ...stamp([
        {
          type: 'run-resumed',
          runId: 'r',
          pid: 78,
          backend: 'cpu',
          backendNotes: [],
          fromPhase: 'head',
          fromEpoch: 2,
          tornLineDropped: false,
        },
      ]).map((event) => ({ ...event, seq: resumedAt }) as TrainerEvent),
    ]);
    assert.deepEqual(
      state.epochs.map((record) => `${record.phase}${record.epoch}`),
      ['head1', 'head2'],
    );
    assert.equal(state.phases.finetune, undefined);
    assert.equal(state.phases.head?.ended, false);
    assert.deepEqual(state.evaluations, {});
    assert.equal(state.comparison, null);
  });
});

describe('errorKind in run-ended', () => {
  const fixtureEvents = [
    join(fixturesDir, 'runs', 'demo', '20261124-101500'),
    join(fixturesDir, 'runs', 'demo', '20261124-113000'),
    join(fixturesDir, 'multiclass-runs', 'shapes', '20261124-120000'),
  ].map((dir) => readFileSync(join(dir, 'events.jsonl'), 'utf8'));

  it('is absent in the recorded runs (written before it existed), which still parse: no kind', () => {
    for (const text of fixtureEvents) {
      const lines = text.trim().split('\n');
      const last = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
      assert.equal(last['type'], 'run-ended');
      assert.equal('errorKind' in last, false, 'recorded without errorKind');
      const parsed = parseEventLines(text);
      assert.deepEqual(parsed.invalidLines, []);
      assert.equal(parsed.events.length, lines.length);
      const state = replayRunEvents(parsed.events);
      assert.equal(state.status, 'completed');
      assert.equal(state.errorKind, null);
    }
  });

  it('is null for a failure written before it existed, and carried by the reducer when written', () => {
    const lines = (fixtureEvents[0] ?? '').trim().split('\n');
    const last = JSON.parse(lines.pop() ?? '{}') as Record<string, unknown>;
    const failedBefore = { ...last, status: 'failed', error: 'x.npz: not found' };
    const old = replayRunEvents(parseEventLines(`${[...lines, JSON.stringify(failedBefore)].join('\n')}\n`).events);
    assert.deepEqual([old.status, old.error, old.errorKind], ['failed', 'x.npz: not found', null]);
    const failedNow = { ...failedBefore, errorKind: 'data' };
    const now = replayRunEvents(parseEventLines(`${[...lines, JSON.stringify(failedNow)].join('\n')}\n`).events);
    assert.deepEqual([now.status, now.errorKind], ['failed', 'data']);
    const unknownKind = JSON.stringify({ ...failedBefore, errorKind: 'cosmic-ray' });
    assert.deepEqual(parseEventLines(`${unknownKind}\n`).invalidLines, [1], 'a kind outside the set is no event');
  });
});
