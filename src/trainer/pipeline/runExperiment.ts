// Runs a whole experiment: source → head → fine-tune → scratch → evaluate, writing everything
// to the run directory. Whatever happens (a stop, a bad file, an exception), the run ends with a
// run-ended event and the models it could save, so the run directory stays readable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Experiment } from '../../shared/experiment/schema';
import type { BackendName, EvaluatedModel, RunEndStatus } from '../../shared/run/events';
import type { ClinicalMetrics, ModelComparison } from '../../shared/run/metrics';
import type { SeedGroup } from '../../shared/run/metricsFile';
import { RUN_FILES } from '../../shared/run/runFiles';
import { transferGain } from '../../shared/run/runState';
import type { ImageShape } from '../data/dataset';
import { attachHead, buildClassifier } from '../models/classifier';
import type { Classifier } from '../models/classifier';
import { freezeBatchNormStatistics } from '../models/batchNormStatistics';
import { selectTrainable } from '../models/blocks';
import { SeededRandom } from '../random';
import type { EventStream } from '../run/eventStream';
import { writeRunSaliency } from '../explain/runSaliency';
import type { SaliencyRequest } from '../explain/runSaliency';
import { StopRequested } from '../training/stopSignal';
import type { StopSignal } from '../training/stopSignal';
import { targetClassNames, positiveClassIndex } from './classes';
import { decisionOf, saveModels, writeMetricsFile } from './finalModels';
import { evaluateModels } from './evaluateModels';
import type { ModelToSave } from './finalModels';
import { dataNotes, dataWarnings, loadRunData, summarizeDataset } from './loadRunData';
import type { PhaseEnvironment } from './phaseRunner';
import { runTrainingPhase } from './phaseRunner';
import { planRun } from './plan';
import { RunCheckpoints } from './runCheckpoints';
import type { Checkpoint } from '../checkpoint/checkpointFormat';
import { removeCheckpoints } from '../checkpoint/checkpointFiles';
import { explainOutOfMemory } from '../training/outOfMemory';
import { loadPretrained, pretrainOnSource } from './sourceModel';
import type { SourceModel } from './sourceModel';

export interface RunRequest {
  experiment: Experiment;
  experimentFile: string;
  runId: string;
  runDir: string;
  backend: BackendName;
  backendNotes: string[];
  events: EventStream;
  stop: StopSignal;
  /** Set when this run is one seed of a repeated experiment. */
  seedGroup?: SeedGroup;
  /** Continue from this checkpoint (`medtransfer resume`), appending to the run's events. */
  resume?: { checkpoint: Checkpoint; tornLineDropped: boolean; notes: string[] } | null;
}

export interface RunResult {
  status: RunEndStatus;
  error: string | null;
  evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>>;
  comparison: ModelComparison | null;
}

export async function runExperiment(request: RunRequest): Promise<RunResult> {
  const { experiment, events } = request;
  const started = performance.now();
  const plan = planRun(experiment);
  const resume = request.resume ?? null;
  if (resume) {
    events.emit({
      type: 'run-resumed',
      runId: request.runId,
      pid: process.pid,
      backend: request.backend,
      backendNotes: request.backendNotes,
      fromPhase: resume.checkpoint.phase,
      fromEpoch: resume.checkpoint.epoch,
      tornLineDropped: resume.tornLineDropped,
    });
    if (resume.tornLineDropped)
      events.log('warn', 'dropped a torn last line in events.jsonl (the trainer died while writing it)');
    for (const note of resume.notes) events.log('warn', note);
  } else {
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
    });
    writeFileSync(join(request.runDir, RUN_FILES.experiment), `${JSON.stringify(experiment, null, 2)}\n`);
  }

  const evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>> = {};
  const toSave: ModelToSave[] = [];
  let classes: string[] = [];
  let comparison: ModelComparison | null = null;
  let status: RunEndStatus = 'completed';
  let error: string | null = null;
  try {
    const random = new SeededRandom(experiment.seed);
    const checkpoints = new RunCheckpoints(
      { runId: request.runId, experimentName: experiment.name, runDir: request.runDir },
      resume?.checkpoint ?? null,
    );
    const environment: PhaseEnvironment = { experiment, events, stop: request.stop, random, checkpoints };
    const shape = experiment.model.inputShape as ImageShape;

    let pretrained: SourceModel | null = null;
    let targetShape = shape;
    if (experiment.pretrained) {
      pretrained = await loadPretrained(experiment.pretrained, environment);
      targetShape = pretrainedTargetShape(pretrained, shape, events);
    }
    const data = await loadRunData(experiment, shape, targetShape, (progress) =>
      events.emit({ type: 'data-progress', ...progress }),
    );
    classes = targetClassNames(experiment, data.target.classes);
    const positiveClass = positiveClassIndex(experiment, classes);
    events.emit({
      type: 'data-loaded',
      source: data.source ? summarizeDataset(data.source) : null,
      target: summarizeDataset(data.target, classes),
    });
    for (const warning of dataWarnings(data)) events.log('warn', warning);
    for (const note of dataNotes(data)) events.log('info', note);

    const saveSource = (model: LayersModel, provenance: string, sourceClasses: string[]) => {
      checkpoints.register('source', model);
      toSave.push({ model, folder: 'source-model', weightsSource: provenance, classes: sourceClasses });
    };
    const source =
      pretrained ??
      (data.source ? await pretrainOnSource(data.source, shape, plan.sourceEpochs, environment, saveSource) : null);
    if (!source) throw new Error('the experiment has neither `source` nor `pretrained`');

    const fineTuned = attachHead(source.base, {
      inputShape: targetShape,
      classCount: classes.length,
      dropout: experiment.model.dropout,
      random: random.fork('headWeights'),
    });
    checkpoints.register('fine-tuned', fineTuned.model);
    const adapted = channelAdapterNote(source.base, targetShape, experiment.pretrained ? 'pretrained' : 'source');
    if (adapted) events.log('info', adapted);
    const frozenNorms = freezeBatchNormStatistics(fineTuned.base);
    if (frozenNorms > 0)
      events.log('info', `${frozenNorms} BatchNormalization layers of the transferred base stay in inference mode`);
    const strategy = experiment.fineTune.strategy;
    const weightsSource = `fine-tuned (${strategy}) on ${data.target.description}, base ${source.provenance}`;
    toSave.unshift({ model: fineTuned.model, folder: RUN_FILES.model, weightsSource });
    const target = { data: data.target, classes, positiveClass, targetTask: true };

    if (plan.headEpochs > 0) {
      selectTrainable(fineTuned, { kind: 'head' });
      await runTrainingPhase(
        {
          ...target,
          phase: 'head',
          classifier: fineTuned,
          epochs: plan.headEpochs,
          learningRate: experiment.training.learningRate,
          description: 'train the new head, base frozen',
        },
        environment,
      );
    }
    if (plan.fineTuneEpochs > 0) {
      const partial = strategy === 'partial';
      selectTrainable(
        fineTuned,
        partial ? { kind: 'top-blocks', count: experiment.fineTune.trainableBlocks } : { kind: 'all' },
      );
      const what = partial
        ? `the top ${experiment.fineTune.trainableBlocks} base blocks and the head`
        : 'the whole model';
      await runTrainingPhase(
        {
          ...target,
          phase: 'finetune',
          classifier: fineTuned,
          epochs: plan.fineTuneEpochs,
          learningRate: experiment.fineTune.learningRate,
          description: `fine-tune ${what} at a low learning rate`,
        },
        environment,
      );
    }

    let scratch: Classifier | null = null;
    if (plan.scratchEpochs > 0) {
      scratch = buildClassifier(
        experiment.model.architecture,
        targetShape,
        classes.length,
        experiment.model.dropout,
        new SeededRandom(experiment.seed).fork('scratchModelWeights'),
      );
      checkpoints.register('scratch', scratch.model);
      toSave.push({
        model: scratch.model,
        folder: RUN_FILES.scratchModel,
        weightsSource: `trained from scratch on ${data.target.description} (baseline)`,
      });
      await runTrainingPhase(
        {
          ...target,
          phase: 'scratch',
          classifier: scratch,
          epochs: plan.scratchEpochs,
          learningRate: experiment.training.learningRate,
          description: 'baseline: the same architecture from random weights, same data and epoch budget',
        },
        environment,
      );
    }

    if (checkpoints.resuming)
      throw new Error(
        `the checkpoint's phase (${resume?.checkpoint.phase ?? '?'}) ` +
          `is not in this experiment's plan (${plan.phases.join(', ')})`,
      );
    const evaluationStarted = performance.now();
    const split = experiment.evaluation.split;
    const evaluated: [EvaluatedModel, Classifier | null][] = [
      ['fine-tuned', fineTuned],
      ['scratch', scratch],
    ];
    events.emit({
      type: 'phase-started',
      phase: 'evaluate',
      description: `evaluate on the ${split} split (${data.target[split].count} images)`,
      epochs: 0,
      batchesPerEpoch: 0,
      learningRate: null,
      trainableParams: 0,
      totalParams: 0,
    });
    const outcome = evaluateModels(
      evaluated.map(([name, classifier]) => [name, classifier?.model ?? null]),
      data.target,
      classes,
      positiveClass,
      experiment,
      events,
    );
    Object.assign(evaluations, outcome.evaluations);
    comparison = outcome.comparison;
    for (const entry of toSave) entry.decision = decisionOf(entry.folder, outcome.decisions);
    events.emit({
      type: 'phase-ended',
      phase: 'evaluate',
      epochsRun: 0,
      stoppedEarly: false,
      bestEpoch: null,
      seconds: (performance.now() - evaluationStarted) / 1000,
    });
    explainSample({
      experiment,
      runDir: request.runDir,
      set: data.target[split],
      classes,
      events,
      models: evaluated.flatMap(([model, classifier]) => (classifier ? [{ model, classifier: classifier.model }] : [])),
    });
  } catch (caught) {
    if (caught instanceof StopRequested) {
      status = 'stopped';
      events.log('warn', `stop requested (${request.stop.why ?? 'by the user'}): saving what was trained so far`);
    } else {
      status = 'failed';
      const explained = explainOutOfMemory(caught, {
        where: 'the run',
        batchSize: experiment.training.batchSize,
        imageShape: experiment.model.inputShape as ImageShape,
      });
      error = explained instanceof Error ? explained.message : String(explained);
      events.log('error', error);
      if (caught instanceof Error && caught.stack && process.env.MEDTRANSFER_DEBUG) events.log('error', caught.stack);
    }
  }

  try {
    const stoppedNote = (model: ModelToSave) => ({
      ...model,
      weightsSource: `${model.weightsSource}; the run was stopped before it finished`,
    });
    if (status !== 'failed')
      await saveModels(
        status === 'stopped' ? toSave.map(stoppedNote) : toSave,
        { experiment, runId: request.runId, runDir: request.runDir },
        classes,
        events,
      );
  } catch (saveError) {
    events.log('error', `could not save the models: ${(saveError as Error).message}`);
  }
  writeMetricsFile(request.runDir, {
    experimentName: experiment.name,
    runId: request.runId,
    status,
    backend: request.backend,
    evaluationSplit: experiment.evaluation.split,
    classes,
    models: evaluations,
    transferGain: transferGain({ evaluations }),
    seed: experiment.seed,
    comparison,
    ...(request.seedGroup ? { seedGroup: request.seedGroup } : {}),
  });
  // A completed run needs no checkpoint; a stopped or failed one keeps it for `medtransfer resume`.
  if (status === 'completed') removeCheckpoints(request.runDir);
  events.emit({ type: 'run-ended', status, error, seconds: (performance.now() - started) / 1000 });
  return { status, error, evaluations, comparison };
}

/** Saliency maps are extras: when they fail, the run still completes, with a warning. */
function explainSample(request: SaliencyRequest): void {
  try {
    writeRunSaliency(request);
  } catch (error) {
    request.events.log('warn', `no saliency maps: ${(error as Error).message}`);
  }
}

/** What the channel adapter does, when the base takes another channel count than the target images have. */
function channelAdapterNote(
  base: LayersModel,
  targetShape: ImageShape,
  origin: 'pretrained' | 'source',
): string | null {
  const baseChannels = base.inputs[0]?.shape[3];
  const channels = targetShape[2];
  if (typeof baseChannels !== 'number' || baseChannels === channels) return null;
  return (
    `the ${origin} model takes ${baseChannels}-channel images and the target has ${channels}: ` +
    `a 1×1 convolution (\`adapter\`) maps ${channels} → ${baseChannels} channels, ` +
    "starting as the channels' average, and trains with the head; " +
    `set model.inputShape's channels to ${baseChannels} to feed the images as they are`
  );
}

/** A pretrained base fixes the image size; the channels follow the experiment (an adapter bridges them). */
function pretrainedTargetShape(pretrained: SourceModel, shape: ImageShape, events: EventStream): ImageShape {
  const baseShape = pretrained.base.inputs[0]?.shape;
  const height = baseShape?.[1];
  const width = baseShape?.[2];
  if (typeof height !== 'number' || typeof width !== 'number' || (height === shape[0] && width === shape[1]))
    return shape;
  events.log(
    'warn',
    `the pretrained model takes ${height}×${width} images: ` +
      `target images are resized to that instead of model.inputShape ${shape[0]}×${shape[1]}`,
  );
  return [height, width, shape[2]];
}
