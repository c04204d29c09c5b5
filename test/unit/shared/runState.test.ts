import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEventLines } from '../../../src/shared/run/eventLines';
import { isTrainerEvent } from '../../../src/shared/run/events';
import type { TrainerEvent, TrainerEventBody } from '../../../src/shared/run/events';
import type { ClinicalMetrics } from '../../../src/shared/run/metrics';
import { replayRunEvents, summarizeResult, transferGain } from '../../../src/shared/run/runState';

function metrics(auc: number, balancedAccuracy: number, sensitivity: number): ClinicalMetrics {
  return { count: 10, accuracy: 0.8, balancedAccuracy, auc, positiveClass: 1, sensitivity, specificity: 0.7, perClass: [], confusion: [[4, 1], [1, 4]], loss: 0.4 };
}

function stamp(bodies: TrainerEventBody[]): TrainerEvent[] {
  return bodies.map((body, seq) => ({ ...body, seq, time: new Date(Date.UTC(2026, 10, 24, 10, 15, seq)).toISOString() }) as TrainerEvent);
}

const run = stamp([
  { type: 'run-started', runId: '20261124-101500', experimentName: 'demo', experimentFile: '/w/demo.experiment.yaml', runDir: '/w/runs/demo/20261124-101500', backend: 'wasm', backendNotes: [], phases: ['source', 'head', 'scratch', 'evaluate'], pretrained: null, pid: 42 },
  { type: 'phase-started', phase: 'head', description: 'head', epochs: 2, batchesPerEpoch: 3, learningRate: 0.001, trainableParams: 10, totalParams: 100 },
  { type: 'batch-ended', phase: 'head', epoch: 1, batch: 3, batches: 3, loss: 0.7, imagesPerSecond: 500 },
  { type: 'epoch-ended', phase: 'head', epoch: 1, epochs: 2, metrics: { loss: 0.7, accuracy: 0.5, valLoss: 0.6, valAccuracy: 0.6, valAuc: 0.7, valBalancedAccuracy: 0.6 }, imagesPerSecond: 500, seconds: 1, valConfusion: [[3, 2], [2, 3]], tensors: 50 },
  { type: 'phase-ended', phase: 'head', epochsRun: 1, stoppedEarly: true, bestEpoch: 1, seconds: 1 },
  { type: 'evaluation', model: 'fine-tuned', split: 'test', metrics: metrics(0.93, 0.85, 0.9) },
  { type: 'evaluation', model: 'scratch', split: 'test', metrics: metrics(0.73, 0.62, 0.5) },
  { type: 'run-ended', status: 'completed', error: null, seconds: 12 },
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

  it('is running with the current phase until run-ended, and ignores replayed events', () => {
    const partial = replayRunEvents([...run.slice(0, 3), run[1] as TrainerEvent]);
    assert.equal(partial.status, 'running');
    assert.equal(partial.currentPhase, 'head');
    assert.equal(partial.lastBatch?.batch, 3);
  });
});

describe('parseEventLines', () => {
  it('keeps an unfinished last line as the remainder and reports invalid lines', () => {
    const text = run.slice(0, 2).map((event) => JSON.stringify(event)).join('\n');
    const parsed = parseEventLines(`${text}\n{"type":"nonsense"}\nnot json\n{"seq": 9, "ty`);
    assert.equal(parsed.events.length, 2);
    assert.deepEqual(parsed.invalidLines, [3, 4]);
    assert.equal(parsed.remainder, '{"seq": 9, "ty');
  });
});
