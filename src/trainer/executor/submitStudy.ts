// `medtransfer submit STUDY_FILE`: the whole study as one SLURM job array. Every run gets its
// folder and its own job.sh first (a queued run has a folder, and can be resubmitted alone); the
// array's script, in the study folder, runs task N's job.sh. `--max-parallel N` is the array's
// `%N`. study.json is written as `medtransfer study` writes it, with no process of its own:
// `medtransfer status STUDY_DIR` brings it up to date from the runs.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultStudyRunsDir, studyFolder } from '../../shared/host/studyFolder';
import { PLAIN_NAME_PATTERN } from '../../shared/run/plainName';
import { RUN_FILES } from '../../shared/run/runFiles';
import { SLURM_JOB_FORMAT } from '../../shared/run/slurmJob';
import type { RunJobSpec, SlurmJobFile } from '../../shared/run/slurmJob';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { StudyRunRecord } from '../../shared/study/studyRecord';
import type { Output } from '../cli/commands';
import { requireSbatch, sbatchRequestOf } from './submitOptions';
import type { SubmitOptions } from './submitOptions';
import { loadStudyFile } from '../study/loadStudyFile';
import { freeRunId } from '../study/runStudy';
import { newStudyRecord, readPreviousRecord, saveStudyRecord } from '../study/studyRecordFile';
import { studyArrayScript } from './jobScript';
import { sbatchSubmit } from './sbatchSubmit';
import { writeSlurmJobFile } from '../../shared/host/slurmJobFile';
import { runScriptText, writeJobScript } from './submitRun';

export function submitStudy(options: SubmitOptions, output: Output): number {
  const maxParallel = options.maxParallel === undefined ? null : Number(options.maxParallel);
  if (maxParallel !== null && (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 10_000)) {
    output.err(`medtransfer: --max-parallel takes a whole number from 1 to 10000, not \`${options.maxParallel}\``);
    return EXIT.usage;
  }
  const loadedFile = loadStudyFile(options.target);
  if (!loadedFile.ok) {
    loadedFile.errors.forEach((line) => output.err(line));
    return EXIT.invalid;
  }
  const { loaded } = loadedFile;
  if (!PLAIN_NAME_PATTERN.test(loaded.study.name)) {
    output.err(`medtransfer: the study's name ${JSON.stringify(loaded.study.name)} is not a plain name`);
    return EXIT.invalid;
  }
  const request = sbatchRequestOf(options.sbatch, null, output);
  if (request === null) return EXIT.usage;
  const runsDir = resolve(options.runsDir ?? defaultStudyRunsDir(loaded.file));
  const studyDir = studyFolder(runsDir, loaded.study.name);
  if (readPreviousRecord(studyDir).kind !== 'none') {
    output.err(
      `medtransfer: ${studyDir} already holds this study's runs: resubmit a run that did not complete ` +
        '(`medtransfer submit RUN_DIR`), or move that folder away to start again',
    );
    return EXIT.usage;
  }
  const experimentDir = join(runsDir, loaded.experimentName);
  const allocated = new Set<string>();
  const record = newStudyRecord(loaded, runsDir, null);
  const runs: StudyRunRecord[] = record.runs.map((run) => {
    const runId = freeRunId(experimentDir, allocated);
    return { ...run, runId, runDir: join(experimentDir, runId) };
  });
  const specOf = (run: StudyRunRecord): RunJobSpec => ({
    experimentFile: loaded.experimentFile,
    experimentName: loaded.experimentName,
    runsDir,
    runId: run.runId ?? '',
    backend: options.backend ?? null,
    study: { file: loaded.file, point: run.point, seed: run.seed },
  });
  const runDirs = runs.map((run) => run.runDir ?? '');
  const now = new Date();
  const arrayText = studyArrayScript(loaded.study.name, runDirs, request, now.toISOString());
  const array = `--array=0-${runs.length - 1}${maxParallel === null ? '' : `%${maxParallel}`}`;
  if (options.dryRun) {
    output.out(`# sbatch ${array} ${join(studyDir, RUN_FILES.jobScript)}\n${arrayText}`);
    for (const run of runs)
      output.out(
        `# ${join(run.runDir ?? '', RUN_FILES.jobScript)}\n${runScriptText(options.program, specOf(run), run.runDir ?? '', request, now)}`,
      );
    return EXIT.ok;
  }
  requireSbatch(false);
  mkdirSync(studyDir, { recursive: true });
  for (const run of runs) {
    mkdirSync(run.runDir ?? '', { recursive: true });
    writeJobScript(run.runDir ?? '', runScriptText(options.program, specOf(run), run.runDir ?? '', request, now));
  }
  const script = writeJobScript(studyDir, arrayText);
  const submitted = sbatchSubmit(
    script,
    { path: join(studyDir, 'slurm-'), arrayIndexPattern: '%a.out' },
    [array],
    request,
  );
  if (!submitted.ok) {
    for (const runDir of runDirs) rmSync(runDir, { recursive: true, force: true });
    rmSync(studyDir, { recursive: true, force: true });
    output.err(`medtransfer: ${submitted.message}`);
    return EXIT.failed;
  }
  const jobOf = (taskId: number | null, run: RunJobSpec | null): SlurmJobFile => ({
    format: SLURM_JOB_FORMAT,
    jobId: taskId === null ? submitted.jobId : `${submitted.jobId}_${taskId}`,
    arrayJobId: submitted.jobId,
    arrayTaskId: taskId,
    submittedAt: now.toISOString(),
    command: 'run',
    sbatch: request,
    earlierJobs: [],
    run,
  });
  runs.forEach((run, index) => writeSlurmJobFile(run.runDir ?? '', jobOf(index, specOf(run))));
  writeSlurmJobFile(studyDir, jobOf(null, null));
  saveStudyRecord(studyDir, { ...record, runs, pid: null });
  output.err(
    `medtransfer: submitted study ${loaded.study.name} as SLURM job array ${submitted.jobId} ` +
      `(${runs.length} runs${maxParallel === null ? '' : `, ${maxParallel} at a time`})`,
  );
  output.out(`Study folder: ${studyDir}`);
  return EXIT.ok;
}
