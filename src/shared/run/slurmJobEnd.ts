// What SLURM says of a run's job, and how a run that SLURM ended without its trainer's run-ended
// (a time limit it ran past, the memory limit, a failed node, scancel --signal=KILL) ends: the run
// folder cannot know, only squeue and sacct can.
import type { ErrorKind } from './errorKind';

export type SlurmJobState =
  | { kind: 'pending'; reason: string }
  | { kind: 'running'; state: string; node: string | null }
  | { kind: 'ended'; state: string; exitCode: string | null; node: string | null }
  /** Neither squeue nor sacct knows the job (purged, another cluster, accounting off). */
  | { kind: 'unknown' };

const PENDING = new Set(['PENDING', 'REQUEUE_HOLD', 'REQUEUE_FED', 'REQUEUED', 'RESV_DEL_HOLD', 'SPECIAL_EXIT']);
const ACTIVE = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'STOPPED', 'RESIZING', 'SIGNALING']);
const ACTIVE_SUFFIX = ['STAGE_OUT'];

/** A state as squeue or sacct print it (`CANCELLED by 0` → `CANCELLED`). */
export function baseSlurmState(state: string): string {
  return state.trim().split(/\s+/)[0]?.replace(/\+$/, '').toUpperCase() ?? '';
}

export function slurmJobState(
  rawState: string,
  details: { reason?: string; exitCode?: string; node?: string },
): SlurmJobState {
  const state = baseSlurmState(rawState);
  const node =
    details.node === undefined || details.node === '' || details.node === 'None assigned' ? null : details.node;
  if (PENDING.has(state)) return { kind: 'pending', reason: details.reason ?? 'None' };
  if (ACTIVE.has(state) || ACTIVE_SUFFIX.some((suffix) => state.endsWith(suffix)))
    return { kind: 'running', state, node };
  return { kind: 'ended', state, exitCode: details.exitCode ?? null, node };
}

export interface SlurmRunEnd {
  status: 'failed' | 'interrupted' | 'stopped';
  error: string;
  errorKind: ErrorKind | null;
}

/**
 * How a run ends whose job ended while its events have no run-ended. `started`: the events have
 * run-started (else the trainer never began, and the job's output says why).
 */
export function slurmRunEnd(
  jobId: string,
  ended: Extract<SlurmJobState, { kind: 'ended' }>,
  started: boolean,
): SlurmRunEnd {
  const on = ended.node === null ? '' : ` on ${ended.node}`;
  const job = `SLURM job ${jobId}`;
  switch (ended.state) {
    case 'TIMEOUT':
      return {
        status: 'failed',
        error: `time limit: ${job} ran past its time limit${on} before the trainer could save`,
        errorKind: 'time-limit',
      };
    case 'OUT_OF_MEMORY':
      return {
        status: 'failed',
        error: `${job} went over its memory limit${on} and SLURM killed it: ask for more with --mem`,
        errorKind: 'out-of-memory',
      };
    case 'NODE_FAIL':
      return { status: 'interrupted', error: `the node of ${job} failed${on}`, errorKind: 'interrupted' };
    case 'PREEMPTED':
      return { status: 'interrupted', error: `${job} was preempted${on}`, errorKind: 'interrupted' };
    case 'BOOT_FAIL':
      return { status: 'failed', error: `the node of ${job} failed to boot${on}`, errorKind: 'interrupted' };
    case 'DEADLINE':
      return { status: 'failed', error: `${job} reached its deadline${on}`, errorKind: 'time-limit' };
    case 'CANCELLED':
      return started
        ? {
            status: 'interrupted',
            error: `${job} was cancelled${on} and its trainer was killed before it could save (scancel --signal=KILL?)`,
            errorKind: 'interrupted',
          }
        : { status: 'stopped', error: `${job} was cancelled before it started`, errorKind: null };
    default: {
      const exit = ended.exitCode === null ? '' : ` (exit code ${ended.exitCode})`;
      return started
        ? {
            status: 'interrupted',
            error: `${job} ended ${ended.state}${exit}${on} before its trainer ended the run`,
            errorKind: 'interrupted',
          }
        : {
            status: 'failed',
            error: `${job} ended ${ended.state}${exit}${on} before the trainer started`,
            errorKind: null,
          };
    }
  }
}
