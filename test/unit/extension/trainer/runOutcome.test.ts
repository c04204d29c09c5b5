import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastErrorLine, outcomeOfExit } from '../../../../src/extension/trainer/runOutcome';
import type { TrainerExit } from '../../../../src/extension/trainer/trainerProcess';
import { runEnded } from '../../../support/runEvents';

const exit = (overrides: Partial<TrainerExit>): TrainerExit => ({
  code: 0,
  signal: null,
  stopRequested: false,
  escalation: null,
  runEnded: null,
  stderrTail: [],
  spawnError: null,
  ...overrides,
});

describe('outcomeOfExit', () => {
  it("takes the trainer's own end when it sent one, with its errorKind, and reads nothing from stderr", () => {
    assert.deepEqual(outcomeOfExit(exit({ runEnded: runEnded(9, 'completed') })), {
      status: 'completed',
      error: null,
      errorKind: null,
      reportedByTrainer: true,
    });
    assert.deepEqual(
      outcomeOfExit(
        exit({
          code: 3,
          runEnded: runEnded(9, 'failed', 'x.npz: not found', 'data'),
          stderrTail: ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
        }),
      ),
      { status: 'failed', error: 'x.npz: not found', errorKind: 'data', reportedByTrainer: true },
    );
  });

  it('keeps a run-ended without errorKind (a trainer from before it) as it is: failed, no kind', () => {
    const outcome = outcomeOfExit(exit({ code: 3, runEnded: runEnded(9, 'failed', 'dataset not found') }));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.errorKind, null);
  });

  it('marks a non-zero exit as failed even after a clean run-ended', () => {
    const outcome = outcomeOfExit(
      exit({ code: 1, runEnded: runEnded(9, 'completed'), stderrTail: ['Error: could not write metrics.json'] }),
    );
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error, 'Error: could not write metrics.json');
    assert.equal(outcome.errorKind, 'internal');
  });

  it('counts a stop the trainer did not report as stopped, and says when it had to be killed', () => {
    assert.deepEqual(
      outcomeOfExit(exit({ code: null, signal: 'SIGTERM', stopRequested: true, escalation: 'SIGTERM' })),
      { status: 'stopped', error: null, errorKind: null, reportedByTrainer: false },
    );
    const killed = outcomeOfExit(exit({ code: null, signal: 'SIGKILL', stopRequested: true, escalation: 'SIGKILL' }));
    assert.equal(killed.status, 'stopped');
    assert.match(killed.error ?? '', /killed/);
    assert.equal(killed.errorKind, null, 'a stop the user asked for is no error');
  });

  it('counts a trainer killed from outside without run-ended as interrupted (resumable), not failed', () => {
    const killed = outcomeOfExit(exit({ code: null, signal: 'SIGKILL' }));
    assert.equal(killed.status, 'interrupted');
    assert.equal(killed.reportedByTrainer, false);
    assert.equal(killed.errorKind, 'interrupted');
    assert.match(killed.error ?? '', /SIGKILL \(by a user, or by the system when memory ran out\)/);
    assert.equal(outcomeOfExit(exit({ code: null, signal: 'SIGHUP' })).errorKind, 'interrupted');
  });

  it('tells the kind of a trainer that died without run-ended by its exit code, or V8 running out of heap', () => {
    const heap = outcomeOfExit(
      exit({
        code: null,
        signal: 'SIGABRT',
        stderrTail: ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
      }),
    );
    assert.deepEqual([heap.status, heap.errorKind], ['failed', 'out-of-memory']);
    assert.equal(
      outcomeOfExit(exit({ code: 1, stderrTail: ['TypeError: x is undefined'] })).errorKind,
      'internal',
      "exit 1 is also Node's code for an uncaught exception: it says nothing",
    );
    const backend = outcomeOfExit(
      exit({ code: 4, stderrTail: ["medtransfer: backend 'tensorflow' was asked for but is not available: …"] }),
    );
    assert.deepEqual([backend.status, backend.errorKind], ['failed', 'backend']);
    assert.equal(outcomeOfExit(exit({ code: 3, stderrTail: ['TypeError: x is undefined'] })).errorKind, 'internal');
    assert.equal(outcomeOfExit(exit({ code: null, signal: 'SIGSEGV' })).errorKind, 'internal');
    assert.equal(outcomeOfExit(exit({ code: 0 })).errorKind, 'internal', 'exit 0 without ending the run');
    assert.equal(outcomeOfExit(exit({ code: null, spawnError: 'spawn /no/node ENOENT' })).errorKind, 'backend');
  });

  it('describes a crash by signal or exit code when stderr says nothing', () => {
    assert.equal(outcomeOfExit(exit({ code: null, signal: 'SIGSEGV' })).error, 'the trainer was killed by SIGSEGV');
    assert.equal(outcomeOfExit(exit({ code: 3 })).error, 'the trainer exited with code 3');
  });
});

describe('lastErrorLine', () => {
  it('skips stack frames, carets and the Node version footer', () => {
    const stderr = [
      '/x/cli.js:10',
      '    throw error;',
      '    ^',
      '',
      'RangeError: shapes do not match',
      '    at f (cli.js:1:1)',
      'Node.js v20.20.2',
    ];
    assert.equal(lastErrorLine(stderr), 'RangeError: shapes do not match');
  });

  it('prefers a line that names an error over a later progress line', () => {
    assert.equal(
      lastErrorLine(['medtransfer: cannot read data/x.npz: no such file', 'head epoch 1/5: loss 0.5']),
      'medtransfer: cannot read data/x.npz: no such file',
    );
  });

  it('falls back to the last line, or null', () => {
    assert.equal(lastErrorLine(['one', 'two']), 'two');
    assert.equal(lastErrorLine([]), null);
  });
});
