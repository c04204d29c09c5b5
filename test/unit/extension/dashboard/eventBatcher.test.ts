import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { EventBatcher } from '../../../../src/extension/dashboard/eventBatcher';
import type { Schedule } from '../../../../src/extension/dashboard/eventBatcher';
import { batchEnded } from '../../../support/runEvents';

/** A manual clock: scheduled callbacks run when the test says. */
function manualSchedule() {
  const pending: { callback: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (callback, ms) => {
    const entry = { callback, ms, cancelled: false };
    pending.push(entry);
    return { dispose: () => (entry.cancelled = true) };
  };
  const runDue = () => {
    for (const entry of pending.splice(0)) if (!entry.cancelled) entry.callback();
  };
  return { schedule, pending, runDue };
}

describe('EventBatcher', () => {
  it('sends one batch per run per interval, in order', () => {
    const clock = manualSchedule();
    const flushed: [string, number[]][] = [];
    const batcher = new EventBatcher(
      (key, events: TrainerEvent[]) => flushed.push([key, events.map((event) => event.seq)]),
      100,
      clock.schedule,
    );
    for (let seq = 1; seq <= 50; seq++) batcher.add('a', [batchEnded(seq)]);
    batcher.add('b', [batchEnded(7)]);
    assert.equal(clock.pending.length, 1, 'one timer for the whole burst');
    assert.equal(clock.pending[0]?.ms, 100);
    assert.deepEqual(flushed, []);
    clock.runDue();
    assert.deepEqual(flushed, [
      ['a', Array.from({ length: 50 }, (_, index) => index + 1)],
      ['b', [7]],
    ]);
    batcher.add('a', []);
    assert.equal(clock.pending.length, 0, 'nothing to send: no timer');
  });

  it('flushes on demand, discards, and stops on dispose', () => {
    const clock = manualSchedule();
    const flushed: string[] = [];
    const batcher = new EventBatcher((key) => flushed.push(key), 100, clock.schedule);
    batcher.add('a', [batchEnded(1)]);
    batcher.flush();
    assert.deepEqual(flushed, ['a']);
    batcher.add('a', [batchEnded(2)]);
    batcher.add('b', [batchEnded(2)]);
    batcher.discard('a');
    clock.runDue();
    assert.deepEqual(flushed, ['a', 'b']);
    batcher.add('c', [batchEnded(3)]);
    batcher.dispose();
    clock.runDue();
    assert.deepEqual(flushed, ['a', 'b']);
  });
});
