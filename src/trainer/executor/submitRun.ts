// Submitting one run to SLURM: the run folder is made first, with job.sh in it, so a queued run
// already has a folder (the trainer, started by the job with --run-id, takes the folder over);
// slurm-job.json follows once sbatch gave the job id. A folder sbatch refused is removed again.
// Resubmitting a run (resume on the cluster) writes job.sh afresh and keeps the earlier job ids.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import { SLURM_JOB_FORMAT } from '../../shared/run/slurmJob';
import type { RunJobSpec, SbatchRequest, SlurmJobFile } from '../../shared/run/slurmJob';
import { runJobScript } from './jobScript';
import { sbatchSubmit } from './sbatchSubmit';
import { writeSlurmJobFile } from '../../shared/host/slurmJobFile';

/** The Node and CLI the job runs the trainer with. */
export interface TrainerProgram {
  node: string;
  cli: string;
}

export type RunSubmission = { ok: true; job: SlurmJobFile } | { ok: false; message: string };

export function writeJobScript(runDir: string, text: string): string {
  const path = join(runDir, RUN_FILES.jobScript);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

export function runScriptText(
  program: TrainerProgram,
  spec: RunJobSpec,
  runDir: string,
  request: SbatchRequest,
  at: Date,
): string {
  return runJobScript({ ...spec, ...program, runDir }, request, at.toISOString());
}

/**
 * Writes job.sh into the (existing) run folder and submits it. `earlier`: the run's previous
 * submission, for a resubmission. `removeOnRefusal`: the folder was made for this submission.
 */
export function submitRunJob(
  program: TrainerProgram,
  spec: RunJobSpec,
  runDir: string,
  request: SbatchRequest,
  earlier: SlurmJobFile | null,
  removeOnRefusal: boolean,
): RunSubmission {
  const now = new Date();
  const script = writeJobScript(runDir, runScriptText(program, spec, runDir, request, now));
  const submitted = sbatchSubmit(script, { path: join(runDir, RUN_FILES.jobOutput) }, [], request);
  if (!submitted.ok) {
    if (removeOnRefusal) rmSync(runDir, { recursive: true, force: true });
    return submitted;
  }
  const job: SlurmJobFile = {
    format: SLURM_JOB_FORMAT,
    jobId: submitted.jobId,
    arrayJobId: null,
    arrayTaskId: null,
    submittedAt: now.toISOString(),
    command: earlier === null ? 'run' : 'resume',
    sbatch: request,
    earlierJobs: earlier === null ? [] : [...earlier.earlierJobs, earlier.jobId],
    run: spec,
  };
  writeSlurmJobFile(runDir, job);
  return { ok: true, job };
}
