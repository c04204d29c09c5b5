// The batch scripts `medtransfer submit` writes: job.sh in a run folder (the run's job, which a
// user can read and resubmit) and, for a study, job.sh in the study folder (one job array whose
// task N runs the Nth run's job.sh). Every path and value in a command is one shell-quoted word;
// what goes onto `#SBATCH` lines was checked by sbatchOptions.ts. The trainer is exec'd, so it is
// the job's batch process: scancel's SIGTERM and the time limit's SIGUSR1 reach it directly.
import type { RunJobSpec, SbatchRequest } from '../../shared/run/slurmJob';
import { RUN_FILES } from '../../shared/run/runFiles';
import { shellQuote } from './shellQuote';

/** A run's job: what it runs (kept in slurm-job.json), with which Node and CLI, in which folder. */
export interface RunJob extends RunJobSpec {
  /** The Node that runs the trainer (this one, or medtransfer.nodePath) and the bundled CLI (this one). */
  node: string;
  cli: string;
  runDir: string;
}

export function sbatchDirectives(jobName: string, request: SbatchRequest): string[] {
  const lines = [`--job-name=${jobName}`];
  if (request.partition !== null) lines.push(`--partition=${request.partition}`);
  if (request.account !== null) lines.push(`--account=${request.account}`);
  if (request.qos !== null) lines.push(`--qos=${request.qos}`);
  if (request.time !== null) lines.push(`--time=${request.time}`);
  lines.push(`--cpus-per-task=${request.cpus ?? 1}`);
  if (request.gpus !== null) lines.push(`--gpus=${request.gpus}`);
  if (request.mem !== null) lines.push(`--mem=${request.mem}`);
  lines.push(request.requeue ? '--requeue' : '--no-requeue');
  // B: the batch process only, which is the trainer (exec'd below).
  lines.push(`--signal=B:USR1@${request.signalLeadSeconds}`);
  lines.push(...request.extra);
  return lines.map((line) => `#SBATCH ${line}`);
}

/** job.sh of one run: resumes the run when it has started before (a requeue, a resubmission), else starts it. */
export function runJobScript(job: RunJob, request: SbatchRequest, submittedAt: string): string {
  const q = shellQuote;
  const runArgs = [
    'run',
    q(job.experimentFile),
    '--runs-dir',
    q(job.runsDir),
    '--run-id',
    q(job.runId),
    ...(job.study === null
      ? []
      : ['--study', q(job.study.file), '--point', q(job.study.point), '--seed', String(job.study.seed)]),
    ...backendArgs(job.backend),
    '--no-progress',
  ];
  return [
    '#!/bin/bash',
    `# MedTransfer run ${job.runId} of experiment ${job.experimentName}, written by \`medtransfer submit\` at ${submittedAt}.`,
    '# Resubmit with `medtransfer submit RUN_DIR` (it continues from the checkpoint); sbatch itself also works,',
    `# with --output=RUN_DIR/${RUN_FILES.jobOutput} --open-mode=append.`,
    ...sbatchDirectives(`medtransfer-${job.experimentName}`, request),
    'set -u',
    `run_dir=${q(job.runDir)}`,
    '# Every job of the run, array tasks included, appends its output here.',
    `exec >>"$run_dir"/${RUN_FILES.jobOutput} 2>&1`,
    "# VS Code's runtime is Electron's binary: as plain Node only with this (plain Node ignores it).",
    'export ELECTRON_RUN_AS_NODE=1',
    `node=${q(job.node)}`,
    `cli=${q(job.cli)}`,
    '# A run that has started before (requeued, resubmitted) continues from its checkpoint.',
    `if [ -e "$run_dir"/${RUN_FILES.events} ]; then`,
    `  exec "$node" "$cli" resume "$run_dir"${backendArgs(job.backend)
      .map((arg) => ` ${arg}`)
      .join('')} --no-progress`,
    'fi',
    `exec "$node" "$cli" ${runArgs.join(' ')}`,
    '',
  ].join('\n');
}

/** The study's job array: task N runs the Nth run's own job.sh (whose #SBATCH lines the array's repeat). */
export function studyArrayScript(
  studyName: string,
  runDirs: readonly string[],
  request: SbatchRequest,
  submittedAt: string,
): string {
  const cases = runDirs.map(
    (runDir, index) => `  ${index}) exec /bin/bash ${shellQuote(`${runDir}/${RUN_FILES.jobScript}`)} ;;`,
  );
  return [
    '#!/bin/bash',
    `# MedTransfer study ${studyName}: one array task per run, written by \`medtransfer submit\` at ${submittedAt}.`,
    ...sbatchDirectives(`medtransfer-${studyName}`, request),
    'set -u',
    'case "${SLURM_ARRAY_TASK_ID:-}" in',
    ...cases,
    '  *) echo "medtransfer: no run for array task ${SLURM_ARRAY_TASK_ID:-(none)}" >&2; exit 2 ;;',
    'esac',
    '',
  ].join('\n');
}

function backendArgs(backend: string | null): string[] {
  return backend === null ? [] : ['--backend', shellQuote(backend)];
}
