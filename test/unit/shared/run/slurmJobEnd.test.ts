// How a run ends that SLURM ended without the trainer's run-ended: each final state of sacct as
// the status, error and kind every reader shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slurmJobState, slurmRunEnd } from '../../../../src/shared/run/slurmJobEnd';

function ended(state: string, exitCode = '0:0') {
  const seen = slurmJobState(state, { exitCode, node: 'node7' });
  assert.equal(seen.kind, 'ended');
  return seen.kind === 'ended' ? seen : assert.fail();
}

describe('slurmJobState', () => {
  it('reads squeue and sacct states as pending, running or ended', () => {
    assert.deepEqual(slurmJobState('PENDING', { reason: 'Priority' }), { kind: 'pending', reason: 'Priority' });
    assert.deepEqual(slurmJobState('RUNNING', { node: 'node7' }), { kind: 'running', state: 'RUNNING', node: 'node7' });
    assert.equal(slurmJobState('COMPLETING', {}).kind, 'running');
    assert.equal(ended('CANCELLED by 0').state, 'CANCELLED');
    assert.equal(ended('CANCELLED+').state, 'CANCELLED');
  });
});

describe('slurmRunEnd', () => {
  it('a time limit, the memory limit: failed with their kind; a node failure, preemption: interrupted', () => {
    assert.deepEqual(slurmRunEnd('12', ended('TIMEOUT'), true), {
      status: 'failed',
      error: 'time limit: SLURM job 12 ran past its time limit on node7 before the trainer could save',
      errorKind: 'time-limit',
    });
    const memory = slurmRunEnd('12', ended('OUT_OF_MEMORY', '0:125'), true);
    assert.equal(memory.status, 'failed');
    assert.equal(memory.errorKind, 'out-of-memory');
    assert.match(memory.error, /memory limit on node7.*--mem/);
    assert.equal(slurmRunEnd('12', ended('NODE_FAIL'), true).status, 'interrupted');
    assert.equal(slurmRunEnd('12', ended('PREEMPTED'), true).errorKind, 'interrupted');
  });

  it('cancelled: interrupted once the trainer ran (it was killed before saving), stopped before it started', () => {
    const killed = slurmRunEnd('12_3', ended('CANCELLED by 0'), true);
    assert.equal(killed.status, 'interrupted');
    assert.match(killed.error, /SLURM job 12_3 was cancelled on node7/);
    assert.deepEqual(slurmRunEnd('12_3', ended('CANCELLED'), false), {
      status: 'stopped',
      error: 'SLURM job 12_3 was cancelled before it started',
      errorKind: null,
    });
  });

  it('a job that ended otherwise says its state and exit code', () => {
    assert.match(
      slurmRunEnd('5', ended('FAILED', '0:9'), true).error,
      /ended FAILED \(exit code 0:9\) on node7 before its trainer/,
    );
    assert.equal(slurmRunEnd('5', ended('FAILED', '127:0'), false).status, 'failed');
  });
});
