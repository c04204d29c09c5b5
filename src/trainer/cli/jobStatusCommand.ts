// `medtransfer status PATH…`: where submitted runs stand, a line each (or JSON): a run folder, or a
// study folder (each of its runs, and study.json brought up to date). SLURM is asked what the
// folder cannot know; a job that ended without its trainer's run-ended gets one (submittedRun.ts).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STUDY_FILES } from '../../shared/host/studyFolder';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { SlurmToolMissing } from '../executor/slurmTools';
import { submittedRunStatus } from '../executor/submittedRun';
import type { SubmittedRunStatus } from '../executor/submittedRun';
import { readPreviousRecord, refreshRun, saveStudyRecord } from '../study/studyRecordFile';
import type { Output } from './commands';

export interface JobStatusRow {
  runDir: string;
  jobId: string;
  status: SubmittedRunStatus['status'];
  detail: string | null;
  errorKind: string | null;
}

export async function jobStatusCommand(paths: readonly string[], json: boolean, output: Output): Promise<number> {
  const rows: JobStatusRow[] = [];
  let exit: number = EXIT.ok;
  try {
    for (const path of paths.map((given) => resolve(given))) {
      if (existsSync(join(path, STUDY_FILES.record))) rows.push(...(await studyRows(path)));
      else {
        const seen = await submittedRunStatus(path);
        if (seen === null) {
          output.err(
            `medtransfer: ${path} holds no submitted job (no slurm-job.json): \`medtransfer report\` reads it`,
          );
          exit = EXIT.usage;
        } else rows.push(rowOf(seen));
      }
    }
  } catch (error) {
    if (!(error instanceof SlurmToolMissing)) throw error;
    output.err(`medtransfer: ${error.message}`);
    return EXIT.usage;
  }
  if (json) output.out(JSON.stringify(rows, null, 2));
  else
    for (const row of rows)
      output.out(
        `${row.runDir}: ${row.status} (SLURM job ${row.jobId})${row.detail === null ? '' : `: ${row.detail}`}`,
      );
  return exit;
}

async function studyRows(studyDir: string): Promise<JobStatusRow[]> {
  const previous = readPreviousRecord(studyDir);
  if (previous.kind !== 'found') return [];
  const rows: JobStatusRow[] = [];
  const runs = [];
  for (const run of previous.record.runs) {
    const seen = run.runDir === null ? null : await submittedRunStatus(run.runDir);
    if (seen !== null) rows.push(rowOf(seen));
    // A run cancelled or failed before its trainer started has no events to say so: SLURM said it.
    const refreshed = refreshRun(run);
    runs.push(
      seen !== null && refreshed.status === 'pending' && seen.status !== 'pending' && seen.status !== 'running'
        ? {
            ...refreshed,
            status: seen.status === 'interrupted' ? ('stopped' as const) : seen.status,
            error: seen.detail,
          }
        : refreshed,
    );
  }
  const unfinished = runs.some((run) => run.status === 'pending' || run.status === 'running');
  const allEnded = runs.every((run) => run.status === 'completed' || run.status === 'failed');
  const status = unfinished
    ? 'running'
    : allEnded
      ? runs.some((run) => run.status === 'failed')
        ? 'failed'
        : 'completed'
      : 'stopped';
  saveStudyRecord(studyDir, { ...previous.record, runs, status });
  return rows;
}

function rowOf(seen: SubmittedRunStatus): JobStatusRow {
  return {
    runDir: seen.runDir,
    jobId: seen.job.jobId,
    status: seen.status,
    detail: seen.detail,
    errorKind: seen.errorKind,
  };
}
