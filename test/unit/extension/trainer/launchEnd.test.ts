import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLaunchEnd } from '../../../../src/extension/trainer/launchEnd';
import type { LaunchEndInput } from '../../../../src/extension/trainer/launchEnd';
import type { RunOutcome } from '../../../../src/extension/trainer/runOutcome';
import { trainerCommandLine } from '../../../../src/shared/host/trainerCommandLine';
import { trainerResumeRequest, trainerRunRequest } from '../../../../src/extension/trainer/trainerRequests';

const RUN_DIR = '/home/me/runs/demo/20261124-101500';
const LAUNCHED_AT = Date.parse('2026-11-24T11:00:00.000Z');
const RESUME_ARGS = trainerCommandLine(trainerResumeRequest({ runDir: RUN_DIR, backend: 'auto' }));

function exitOutcome(error: string | null, status: RunOutcome['status'] = 'failed'): RunOutcome {
  return { status, error, errorKind: status === 'failed' ? 'internal' : null, reportedByTrainer: false };
}

function input(overrides: Partial<LaunchEndInput>): LaunchEndInput {
  return {
    state: null,
    args: RESUME_ARGS,
    runDir: RUN_DIR,
    pid: 4242,
    launchedAt: LAUNCHED_AT,
    exitCode: 0,
    exitOutcome: exitOutcome(null, 'completed'),
    ...overrides,
  };
}

/** The run as an earlier trainer (pid 1717, killed an hour ago) left it, with the host's `interrupted`. */
const LEFT_BY_EARLIER = {
  pid: 1717,
  pidNamedAt: '2026-11-24T10:00:00.000Z',
  status: 'interrupted',
  error: 'the trainer was killed by SIGKILL',
  errorKind: 'interrupted',
} as const;

describe('how a launched trainer’s end reads for its run', () => {
  it('a resume that announced itself and ended: the run ends as its trainer recorded', () => {
    const end = decideLaunchEnd(
      input({
        state: { pid: 4242, pidNamedAt: '2026-11-24T11:00:02.000Z', status: 'completed', error: null, errorKind: null },
      }),
    );
    assert.deepEqual(end, {
      kind: 'ended',
      outcome: { status: 'completed', error: null, errorKind: null, reportedByTrainer: true },
    });
  });

  it('a resume that announced itself and died without run-ended: the host records the exit', () => {
    const died = exitOutcome('the trainer was killed by SIGKILL', 'interrupted');
    const end = decideLaunchEnd(
      input({
        state: { pid: 4242, pidNamedAt: '2026-11-24T11:00:02.000Z', status: 'running', error: null, errorKind: null },
        exitCode: null,
        exitOutcome: died,
      }),
    );
    assert.deepEqual(end, { kind: 'died', outcome: died });
  });

  it('a resume refused (exit 2) leaves the run’s own end, and says why without the CLI’s prefix', () => {
    const end = decideLaunchEnd(
      input({
        state: LEFT_BY_EARLIER,
        exitCode: 2,
        exitOutcome: exitOutcome(`medtransfer: cannot resume ${RUN_DIR}: another trainer is running it: pid 99`),
      }),
    );
    assert.ok(end.kind === 'not-started', end.kind);
    assert.equal(end.refused, true);
    assert.equal(end.message, 'another trainer is running it: pid 99');
  });

  it('a resume whose backend fails (exit 4) did not start either, and is no refusal', () => {
    const end = decideLaunchEnd(
      input({ state: LEFT_BY_EARLIER, exitCode: 4, exitOutcome: exitOutcome('medtransfer: no backend could start') }),
    );
    assert.ok(end.kind === 'not-started');
    assert.equal(end.refused, false);
    assert.equal(end.message, 'no backend could start');
  });

  it('the same pid named long before this launch is an older trainer’s, not this one’s', () => {
    const end = decideLaunchEnd(
      input({ state: { ...LEFT_BY_EARLIER, pid: 4242 }, exitCode: 2, exitOutcome: exitOutcome('medtransfer: x') }),
    );
    assert.equal(end.kind, 'not-started');
  });

  it('a new run that never announced itself: the host records its end', () => {
    const args = trainerCommandLine(
      trainerRunRequest({
        experimentFile: '/home/me/demo.experiment.yaml',
        runsRoot: '/home/me/runs',
        runId: 'x',
        backend: 'auto',
      }),
    );
    const failed = exitOutcome('medtransfer: cannot create the run directory: EACCES');
    assert.deepEqual(decideLaunchEnd(input({ args, state: null, exitCode: 3, exitOutcome: failed })), {
      kind: 'died',
      outcome: failed,
    });
  });
});
