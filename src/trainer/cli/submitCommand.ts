// `medtransfer submit FILE|RUN_DIR [cluster options]`: runs an experiment, or a study (one job
// array), as SLURM jobs; given a run folder, resubmits the run to continue from its checkpoint.
// Cluster options live only in the job (job.sh, slurm-job.json), never in the experiment file.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { runOnHost } from '../../shared/host/runOnHost';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { RunJobSpec } from '../../shared/run/slurmJob';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { STUDY_FILE_PATTERN } from '../../shared/study/studySchema';
import { hasCheckpointFolder } from '../checkpoint/checkpointFiles';
import { readSlurmJobFile } from '../../shared/host/slurmJobFile';
import { SlurmToolMissing } from '../executor/slurmTools';
import { requireSbatch, sbatchRequestOf } from '../executor/submitOptions';
import type { SubmitOptions } from '../executor/submitOptions';
import { readEvents, submittedRunStatus } from '../executor/submittedRun';
import { runScriptText, submitRunJob } from '../executor/submitRun';
import { submitStudy } from '../executor/submitStudy';
import { loadExperimentFile } from '../experiment/loadExperimentFile';
import { timestampRunId } from '../run/runDirectory';
import type { Output } from './commands';
import { newRunDirectory } from './newRunDirectory';
import { noCheckpointMessage } from './resumeRefusals';

export async function submitCommand(options: SubmitOptions, output: Output): Promise<number> {
  try {
    if (existsSync(options.target) && statSync(options.target).isDirectory()) return await resubmit(options, output);
    if (STUDY_FILE_PATTERN.test(options.target)) return submitStudy(options, output);
    return submitExperiment(options, output);
  } catch (error) {
    if (error instanceof SlurmToolMissing) {
      output.err(`medtransfer: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}

function submitExperiment(options: SubmitOptions, output: Output): number {
  const loaded = loadExperimentFile(options.target);
  if (!loaded.ok) {
    loaded.errors.forEach((line) => output.err(line));
    return EXIT.invalid;
  }
  const { experiment } = loaded;
  if (experiment.seeds) {
    output.err(
      'medtransfer: submit runs one seed per experiment: for `seeds`, write a study that varies nothing ' +
        'but lists them (`seeds:`), and submit the study',
    );
    return EXIT.usage;
  }
  const request = sbatchRequestOf(options.sbatch, null, output);
  if (request === null) return EXIT.usage;
  const runsDir = resolve(options.runsDir ?? join(dirname(loaded.file), 'runs'));
  const spec = (runId: string): RunJobSpec => ({
    experimentFile: loaded.file,
    experimentName: experiment.name,
    runsDir,
    runId,
    backend: options.backend ?? null,
    study: null,
  });
  if (options.dryRun) {
    const runId = options.runId ?? timestampRunId(new Date());
    const runDir = join(runsDir, experiment.name, runId);
    output.out(runScriptText(options.program, spec(runId), runDir, request, new Date()));
    return EXIT.ok;
  }
  requireSbatch(false);
  const run = newRunDirectory(runsDir, experiment.name, options.runId ?? null, output);
  if (run === null) return EXIT.failed;
  const submitted = submitRunJob(options.program, spec(run.runId), run.runDir, request, null, true);
  if (!submitted.ok) {
    output.err(`medtransfer: ${submitted.message}`);
    return EXIT.failed;
  }
  output.err(`medtransfer: submitted ${experiment.name} as SLURM job ${submitted.job.jobId}`);
  output.out(`Run folder: ${run.runDir}`);
  return EXIT.ok;
}

/** A run folder: submit a job that continues it from its checkpoint (or starts it, if it never did). */
async function resubmit(options: SubmitOptions, output: Output): Promise<number> {
  const runDir = resolve(options.target);
  const refuse = (message: string) => {
    output.err(`medtransfer: cannot resubmit ${runDir}: ${message}`);
    return EXIT.usage;
  };
  const earlier = readSlurmJobFile(runDir);
  const events = readEvents(runDir);
  if (earlier === null && events.length === 0)
    return refuse(`it is not a run folder (no ${RUN_FILES.events} and no ${RUN_FILES.slurmJob})`);
  const request = sbatchRequestOf(options.sbatch, earlier?.sbatch ?? null, output);
  if (request === null) return EXIT.usage;
  const seen = await submittedRunStatus(runDir);
  const { state } = runOnHost(readEvents(runDir), runDir);
  const status = seen?.status ?? state.status;
  if (status === 'pending' || status === 'running') {
    const what = seen === null ? 'its trainer is still running' : `its job ${seen.job.jobId} is still ${status}`;
    return refuse(`${what}: cancel it first (\`medtransfer cancel ${runDir}\`), or wait for it`);
  }
  if (status === 'completed') return refuse('the run already completed: nothing to resume');
  const started = state.runId !== null;
  if (started && !hasCheckpointFolder(runDir)) return refuse(noCheckpointMessage(runDir, state));
  const spec: RunJobSpec = earlier?.run ?? {
    experimentFile: state.experimentFile ?? join(runDir, RUN_FILES.experiment),
    experimentName: state.experimentName ?? basename(dirname(runDir)),
    runsDir: dirname(dirname(runDir)),
    runId: state.runId ?? basename(runDir),
    backend: null,
    study:
      state.study === null ? null : { file: state.study.studyFile, point: state.study.point, seed: state.study.seed },
  };
  const withBackend = options.backend === undefined ? spec : { ...spec, backend: options.backend };
  if (options.dryRun) {
    output.out(runScriptText(options.program, withBackend, runDir, request, new Date()));
    return EXIT.ok;
  }
  requireSbatch(false);
  const submitted = submitRunJob(options.program, withBackend, runDir, request, earlier, false);
  if (!submitted.ok) {
    output.err(`medtransfer: ${submitted.message}`);
    return EXIT.failed;
  }
  output.err(
    `medtransfer: resubmitted ${basename(runDir)} as SLURM job ${submitted.job.jobId}` +
      (started ? ': it continues from its checkpoint' : ''),
  );
  output.out(`Run folder: ${runDir}`);
  return EXIT.ok;
}
