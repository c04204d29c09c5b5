// Runs a whole experiment: announces the run, runs the steps its plan has (runSteps.ts: source →
// head → fine-tune → scratch → evaluate), and writes everything to the run directory. Whatever
// happens (a stop, a bad file, an exception), the run ends with a run-ended event and the models
// it could save, so the run directory stays readable.
import { join } from 'node:path';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { thisHost } from '../../shared/host/thisHost';
import { slurmRunRefFromEnvironment } from '../../shared/run/slurmJob';
import type { SlurmRunRef } from '../../shared/run/slurmJob';
import { RUN_FILES } from '../../shared/run/runFiles';
import { transferGain } from '../../shared/run/runState';
import { removeCheckpoints } from '../checkpoint/checkpointFiles';
import type { ImageShape } from '../data/dataset';
import { explainOutOfMemory } from '../training/outOfMemory';
import { listWeights, nonFiniteWeights } from '../training/finiteWeights';
import { StopRequested } from '../training/stopSignal';
import { DivergedError } from '../training/trainPhase';
import { errorKindOf } from './errorKindOf';
import { saveModels, writeMetricsFile } from './finalModels';
import type { ModelToSave } from './finalModels';
import { planRun } from './plan';
import type { RunPlan } from './plan';
import { RunContext } from './runContext';
import type { RunRequest, RunResult } from './runRequest';
import { stepsOf } from './runSteps';
import { errorMessage, errorStack } from '../../shared/errors/errorMessage';

type RunEnd = Pick<RunResult, 'status' | 'error' | 'errorKind'>;

export async function runExperiment(request: RunRequest): Promise<RunResult> {
  const started = performance.now();
  const plan = planRun(request.experiment);
  announceRun(request, plan);
  const context = new RunContext(request, plan);
  let end: RunEnd = { status: 'completed', error: null, errorKind: null };
  try {
    for (const step of stepsOf(plan)) await step.run(context);
  } catch (caught) {
    end = endedBy(caught, request);
  }
  return await finishRun(context, end, started);
}

/** run-started with experiment.json, or run-resumed with what the resume found. */
function announceRun(request: RunRequest, plan: RunPlan): void {
  const { experiment, events } = request;
  const resume = request.resume ?? null;
  if (resume) {
    events.emit({
      type: 'run-resumed',
      runId: request.runId,
      pid: process.pid,
      host: thisHost(),
      ...slurmRef(),
      backend: request.backend,
      backendNotes: request.backendNotes,
      fromPhase: resume.checkpoint.phase,
      fromEpoch: resume.checkpoint.epoch,
      tornLineDropped: resume.tornLineDropped,
    });
    if (resume.tornLineDropped)
      events.log('warn', 'dropped a torn last line in events.jsonl (the trainer died while writing it)');
    for (const note of resume.notes) events.log('warn', note);
    return;
  }
  events.emit({
    type: 'run-started',
    runId: request.runId,
    experimentName: experiment.name,
    experimentFile: request.experimentFile,
    runDir: request.runDir,
    backend: request.backend,
    backendNotes: request.backendNotes,
    phases: plan.phases,
    pretrained: experiment.pretrained ?? null,
    pid: process.pid,
    host: thisHost(),
    ...slurmRef(),
    ...(request.seedGroup ? { seedGroup: request.seedGroup } : {}),
    ...(request.study ? { study: request.study } : {}),
  });
  writeFileAtomically(join(request.runDir, RUN_FILES.experiment), `${JSON.stringify(experiment, null, 2)}\n`);
}

/** The SLURM job this trainer runs in, when it runs in one (`medtransfer submit`). */
function slurmRef(): { slurm?: SlurmRunRef } {
  const slurm = slurmRunRefFromEnvironment(process.env);
  return slurm === null ? {} : { slurm };
}

/** A stop request ends the run as stopped; anything else as failed, with the reason logged. */
function endedBy(caught: unknown, request: RunRequest): RunEnd {
  const { experiment, events } = request;
  if (caught instanceof StopRequested) {
    const forced = request.stop.failure;
    if (forced !== null) {
      events.log('error', forced.error);
      return { status: 'failed', error: forced.error, errorKind: forced.errorKind };
    }
    events.log('warn', `stop requested (${request.stop.why ?? 'by the user'}): saving what was trained so far`);
    return { status: 'stopped', error: null, errorKind: null };
  }
  const explained = explainOutOfMemory(caught, {
    where: 'the run',
    batchSize: experiment.training.batchSize,
    imageShape: experiment.model.inputShape as ImageShape,
  });
  const error = errorMessage(explained);
  events.log('error', error);
  if (process.env.MEDTRANSFER_DEBUG) events.log('error', errorStack(caught));
  return { status: 'failed', error, errorKind: errorKindOf(explained) };
}

/**
 * The last guard: whatever path led here (a stop in the middle of an epoch, a phase with no
 * epochs, a loaded model), no model with a NaN or infinite weight is saved, and such a run does
 * not end completed. Null when every model is finite.
 */
function refuseNonFinite(models: ModelToSave[], context: RunContext): RunEnd | null {
  let broken: string[];
  try {
    broken = models.flatMap(({ model, folder }) => {
      const names = nonFiniteWeights(model);
      return names.length > 0 ? [`${folder}/ (${listWeights(names)})`] : [];
    });
  } catch (caught) {
    return endedBy(caught, context.request);
  }
  if (broken.length === 0) return null;
  const { events } = context;
  const diverged = new DivergedError(
    `the weights of ${broken.join(', ')} hold NaN or infinite values, so no model was saved: ` +
      'lower the learning rate, or check that the images are finite and scaled to 0..1',
  );
  events.log('error', diverged.message);
  return { status: 'failed', error: diverged.message, errorKind: errorKindOf(diverged) };
}

/**
 * Saves the models (unless the run failed), writes metrics.json, removes the checkpoint of a
 * completed run (a stopped or failed one keeps it for `medtransfer resume`) and emits run-ended.
 */
async function finishRun(context: RunContext, end: RunEnd, started: number): Promise<RunResult> {
  const { experiment, events, request } = context;
  const evaluations = context.evaluation?.evaluations ?? {};
  const comparison = context.evaluation?.comparison ?? null;
  const toSave = context.models.toSave(context.evaluation?.decisions ?? {});
  const { status, error, errorKind } = end.status === 'failed' ? end : (refuseNonFinite(toSave, context) ?? end);
  try {
    const stoppedNote = (model: ModelToSave) => ({
      ...model,
      weightsSource: `${model.weightsSource}; the run was stopped before it finished`,
    });
    if (status !== 'failed')
      await saveModels(
        status === 'stopped' ? toSave.map(stoppedNote) : toSave,
        { experiment, runId: request.runId, runDir: request.runDir },
        context.classes,
        events,
      );
  } catch (saveError) {
    events.log('error', `could not save the models: ${errorMessage(saveError)}`);
  }
  writeMetricsFile(request.runDir, {
    experimentName: experiment.name,
    runId: request.runId,
    status,
    backend: request.backend,
    evaluationSplit: experiment.evaluation.split,
    classes: context.classes,
    models: evaluations,
    transferGain: transferGain({ evaluations }),
    seed: experiment.seed,
    comparison,
    ...(request.seedGroup ? { seedGroup: request.seedGroup } : {}),
    ...(request.study ? { study: request.study } : {}),
  });
  if (status === 'completed') removeCheckpoints(request.runDir);
  events.emit({ type: 'run-ended', status, error, errorKind, seconds: (performance.now() - started) / 1000 });
  return { status, error, errorKind, evaluations, comparison };
}
