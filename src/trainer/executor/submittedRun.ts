// Where a submitted run stands: its folder first (the trainer's events), SLURM for what the folder
// cannot know: a job still queued (and why), or a job that ended without the trainer's run-ended.
// Such an end is written into events.jsonl (under the run's lock, as the extension host does for a
// killed child), so every later reader, in a terminal or in VS Code, sees the same.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendEventToRun, hostRunEndedEvent } from '../../shared/host/recordRunEnd';
import { acquireRunLock } from '../../shared/host/runLock';
import { runOnHost } from '../../shared/host/runOnHost';
import type { ErrorKind } from '../../shared/run/errorKind';
import { parseEventLines } from '../../shared/run/eventLines';
import type { TrainerEvent } from '../../shared/run/events';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { RunStatus } from '../../shared/run/runState';
import type { SlurmJobFile } from '../../shared/run/slurmJob';
import { slurmRunEnd } from '../../shared/run/slurmJobEnd';
import type { SlurmJobState } from '../../shared/run/slurmJobEnd';
import { querySlurmJob } from './slurmJobQuery';
import { readSlurmJobFile, writeSlurmJobFile } from '../../shared/host/slurmJobFile';

export interface SubmittedRunStatus {
  runDir: string;
  job: SlurmJobFile;
  /** `pending`: queued, its trainer not started. */
  status: 'pending' | RunStatus;
  /** Why it waits (squeue's reason), or how it ended (the error), or where it runs. */
  detail: string | null;
  errorKind: ErrorKind | null;
  /** What SLURM said; null when the folder alone knew (the run had ended). */
  slurm: SlurmJobState | null;
  /** This call wrote the run's run-ended from what sacct said. */
  recordedEnd: boolean;
}

/** The run's status, or null when the folder holds no submitted job (slurm-job.json). */
export async function submittedRunStatus(runDir: string): Promise<SubmittedRunStatus | null> {
  const job = readSlurmJobFile(runDir);
  if (job === null) return null;
  const base = { runDir, job, recordedEnd: false };
  const fromFolder = folderEnd(runDir, null);
  if (fromFolder?.status === 'completed') return { ...base, ...fromFolder, slurm: null };
  const slurm = querySlurmJob(job.jobId);
  // An end in the folder stands, unless the job is queued again (requeued, or resubmitted) or
  // runs again (resubmitted after that end: its trainer has not written yet).
  const queuedAgain =
    slurm.kind === 'pending' || (slurm.kind === 'running' && folderEnd(runDir, job.submittedAt) === null);
  if (fromFolder !== null && !queuedAgain) return { ...base, ...fromFolder, slurm };
  const started = readEvents(runDir).some((event) => event.type === 'run-started');
  switch (slurm.kind) {
    case 'pending':
      return { ...base, status: 'pending', detail: `waiting: ${slurm.reason}`, errorKind: null, slurm };
    case 'running':
      return {
        ...base,
        status: 'running',
        detail: `${started ? 'training' : 'starting'}${slurm.node === null ? '' : ` on ${slurm.node}`}`,
        errorKind: null,
        slurm,
      };
    case 'unknown': {
      const { state } = runOnHost(readEvents(runDir), runDir);
      const detail = `SLURM does not know job ${job.jobId} (any more)`;
      return { ...base, status: started ? state.status : 'failed', detail, errorKind: state.errorKind, slurm };
    }
    case 'ended': {
      const end = slurmRunEnd(job.jobId, slurm, started);
      if (!started) {
        const said = lastOutputLine(runDir);
        const detail = said === null ? end.error : `${end.error}; its output ends: ${said}`;
        if (job.endedBeforeStart === undefined) writeSlurmJobFile(runDir, { ...job, endedBeforeStart: detail });
        return { ...base, status: end.status, detail, errorKind: end.errorKind, slurm };
      }
      const recorded = await recordEnd(runDir, end);
      // Another reader got there first, or the job ended before its trainer resumed the run (a
      // resubmission cancelled while queued): the folder says how the run stands.
      const now = folderEnd(runDir, null);
      if (!recorded && now !== null) return { ...base, ...now, slurm };
      return { ...base, status: end.status, detail: end.error, errorKind: end.errorKind, slurm, recordedEnd: recorded };
    }
  }
}

/**
 * How the folder says the run ended; null while its events have no run-ended (or none at all),
 * and when that end is older than `submittedAt`: a resubmitted job has not started its trainer yet.
 */
function folderEnd(
  runDir: string,
  submittedAt: string | null,
): Pick<SubmittedRunStatus, 'status' | 'detail' | 'errorKind'> | null {
  const { recorded } = runOnHost(readEvents(runDir), runDir);
  if (recorded.runId === null || recorded.status === 'running') return null;
  if (submittedAt !== null && Date.parse(recorded.endedAt ?? '') < Date.parse(submittedAt)) return null;
  return { status: recorded.status, detail: recorded.error, errorKind: recorded.errorKind };
}

async function recordEnd(runDir: string, end: ReturnType<typeof slurmRunEnd>): Promise<boolean> {
  const lock = acquireRunLock(runDir, 'resume');
  if (lock.kind === 'held') return false;
  try {
    const { recorded } = runOnHost(readEvents(runDir), runDir);
    if (recorded.status !== 'running') return false;
    const event = hostRunEndedEvent(recorded, end, new Date());
    return await appendEventToRun(runDir, event);
  } finally {
    lock.lock.release();
  }
}

export function readEvents(runDir: string): TrainerEvent[] {
  const path = join(runDir, RUN_FILES.events);
  if (!existsSync(path)) return [];
  try {
    return parseEventLines(`${readFileSync(path, 'utf8')}\n`).events;
  } catch {
    return [];
  }
}

function lastOutputLine(runDir: string): string | null {
  try {
    const lines = readFileSync(join(runDir, RUN_FILES.jobOutput), 'utf8').split('\n');
    return (
      lines
        .filter((line) => line.trim() !== '')
        .at(-1)
        ?.trim() ?? null
    );
  } catch {
    return null;
  }
}
