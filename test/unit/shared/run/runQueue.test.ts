import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeMaxConcurrent, RunQueue } from '../../../../src/shared/run/runQueue';

describe('RunQueue', () => {
  it('starts while there is room, then queues first-in first-out', () => {
    const queue = new RunQueue();
    assert.deepEqual(queue.request('a', 0, 2, 1), { kind: 'start' });
    assert.deepEqual(queue.request('b', 1, 2, 2), { kind: 'start' });
    assert.deepEqual(queue.request('c', 2, 2, 3), { kind: 'queued', position: 1 });
    assert.deepEqual(queue.request('d', 2, 2, 4), { kind: 'queued', position: 2 });
    assert.deepEqual(queue.takeStartable(1, 2), [{ experimentFile: 'c', requestedAt: 3, resumeRunDir: null }]);
    assert.equal(queue.positionOf('d'), 1);
  });

  it('never lets a new request jump a waiting one', () => {
    const queue = new RunQueue();
    queue.request('a', 1, 1, 0);
    // A slot is free, but `a` waits: the newcomer queues behind it.
    assert.deepEqual(queue.request('b', 0, 1, 1), { kind: 'queued', position: 2 });
    assert.deepEqual(
      queue.takeStartable(0, 1).map((run) => run.experimentFile),
      ['a'],
    );
  });

  it('keeps one queued run per experiment file', () => {
    const queue = new RunQueue();
    queue.request('a', 1, 1, 0);
    assert.deepEqual(queue.request('a', 1, 1, 1), { kind: 'already-queued', position: 1 });
    assert.equal(queue.items.length, 1);
  });

  it('queues a resume of a run beside a new run of the same experiment, each once', () => {
    const queue = new RunQueue();
    queue.request('a', 1, 1, 0);
    assert.deepEqual(queue.request('a', 1, 1, 1, '/runs/a/1'), { kind: 'queued', position: 2 });
    assert.deepEqual(queue.request('a', 1, 1, 2, '/runs/a/1'), { kind: 'already-queued', position: 2 });
    assert.deepEqual(queue.request('a', 1, 1, 3, '/runs/a/2'), { kind: 'queued', position: 3 });
    assert.deepEqual(
      queue.takeStartable(0, 3).map((run) => run.resumeRunDir),
      [null, '/runs/a/1', '/runs/a/2'],
    );
  });

  it('cancels and clears', () => {
    const queue = new RunQueue();
    queue.request('a', 1, 1, 0);
    queue.request('b', 1, 1, 0);
    assert.equal(queue.cancel('a'), true);
    assert.equal(queue.cancel('a'), false);
    assert.equal(queue.positionOf('b'), 1);
    assert.equal(queue.clear().length, 1);
    assert.equal(queue.items.length, 0);
  });

  it('takes as many as there are free slots', () => {
    const queue = new RunQueue();
    for (const file of ['a', 'b', 'c']) queue.request(file, 5, 1, 0);
    assert.equal(queue.takeStartable(5, 1).length, 0);
    assert.equal(queue.takeStartable(0, 2).length, 2);
    assert.equal(queue.takeStartable(0, 2).length, 1);
  });

  it('reads a bad maximum as 1', () => {
    assert.equal(normalizeMaxConcurrent(3), 3);
    assert.equal(normalizeMaxConcurrent(2.7), 2);
    for (const bad of [0, -1, NaN, Infinity, '2', undefined, null]) assert.equal(normalizeMaxConcurrent(bad), 1);
  });
});
