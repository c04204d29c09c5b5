// Whether a run can be resumed from its checkpoint, and if not, why: the one rule behind the
// Resume command, its tree and notification entries and the "Resume last run" code lens, and
// the same rule the trainer's `medtransfer resume` applies (it refuses completed runs, runs
// without a checkpoint, and runs whose trainer is alive).
import type { RunStatus } from '../../shared/run/runState';

/** How a run's trainer is doing, as far as this window can tell. */
export type TrainerLiveness = 'own' | 'attached' | 'dead' | 'unknown';

export interface ResumableInput {
  /** The status its events say (`running` when they have no run-ended). */
  status: RunStatus;
  /** Whether the run folder has a checkpoint (RUN_FILES.checkpoint). */
  hasCheckpoint: boolean;
  liveness: TrainerLiveness;
}

export type Resumability = { resumable: true } | { resumable: false; reason: string };

const ENDED_RESUMABLE: ReadonlySet<string> = new Set(['stopped', 'failed', 'interrupted']);

export function resumability({ status, hasCheckpoint, liveness }: ResumableInput): Resumability {
  if (status === 'completed') return { resumable: false, reason: 'the run completed; start a new run instead' };
  if (status === 'running' && liveness !== 'dead') {
    return {
      resumable: false,
      reason:
        liveness === 'unknown'
          ? 'the run may still be running (its trainer is not on this machine, or has just written)'
          : 'the run is still running',
    };
  }
  if (status !== 'running' && !ENDED_RESUMABLE.has(status))
    return { resumable: false, reason: `a ${status} run cannot be resumed` };
  if (!hasCheckpoint)
    return { resumable: false, reason: 'the run has no checkpoint (it ended before its first epoch did)' };
  return { resumable: true };
}
