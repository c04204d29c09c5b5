// The typed events a trainer emits: written to events.jsonl (one a line), sent over IPC when
// forked, and replayed by every view. One zod schema per event gives both the type and the
// guard, because whatever comes from a file or a child process is untrusted input.
import { z } from 'zod';
import { errorKindSchema } from './errorKind';
import { hostIdentitySchema } from './hostIdentity';
import { seedGroupSchema } from './seedGroup';
import { slurmRunRefSchema } from './slurmJob';
import { studyRunRefSchema } from '../study/studyRun';
import { intensityScalingSchema } from './intensityScaling';
import { clinicalMetricsSchema, modelComparisonSchema } from './metrics';

export const PHASES = ['source', 'head', 'finetune', 'scratch', 'evaluate'] as const;
export const TRAINING_PHASES = ['source', 'head', 'finetune', 'scratch'] as const;
export const BACKEND_NAMES = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
/**
 * How a run ended. `interrupted`: the trainer died without finishing (SIGKILL, crash, power
 * loss); the trainer never writes it: the extension host writes it, or a reader derives it from
 * a run without run-ended whose process is gone. `medtransfer resume` continues such a run.
 */
export const RUN_END_STATUSES = ['completed', 'stopped', 'failed', 'interrupted'] as const;
export const EVALUATED_MODELS = ['fine-tuned', 'scratch'] as const;

export const phaseSchema = z.enum(PHASES);
export const trainingPhaseSchema = z.enum(TRAINING_PHASES);
export const backendNameSchema = z.enum(BACKEND_NAMES);
export const runEndStatusSchema = z.enum(RUN_END_STATUSES);
export const evaluatedModelSchema = z.enum(EVALUATED_MODELS);

export type Phase = z.infer<typeof phaseSchema>;
export type TrainingPhase = z.infer<typeof trainingPhaseSchema>;
export type BackendName = z.infer<typeof backendNameSchema>;
export type RunEndStatus = z.infer<typeof runEndStatusSchema>;
export type EvaluatedModel = z.infer<typeof evaluatedModelSchema>;

const counts = z.array(z.number().int().nonnegative());
const finiteOrNull = z.number().nullable();

/** Images per class in each split of a dataset, after few-shot sampling. */
export const splitSizesSchema = z.object({
  train: counts,
  val: counts,
  test: counts,
});
export type SplitSizes = z.infer<typeof splitSizesSchema>;

export const datasetSummarySchema = z.object({
  description: z.string(),
  classes: z.array(z.string()),
  /** [height, width, channels] the images were converted to. */
  imageShape: z.tuple([z.number(), z.number(), z.number()]),
  sizes: splitSizesSchema,
  /**
   * Where the stored values did not fill the range their type implies and were scaled by the
   * data's real range instead (12-bit data in uint16). Absent when nothing was (and in older runs).
   */
  scaling: z.array(intensityScalingSchema).optional(),
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

export const epochMetricsSchema = z.object({
  loss: z.number(),
  accuracy: z.number(),
  valLoss: finiteOrNull,
  valAccuracy: finiteOrNull,
  valAuc: finiteOrNull,
  valBalancedAccuracy: finiteOrNull,
});
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;

const base = { seq: z.number().int().nonnegative(), time: z.string() };

export const runStartedEventSchema = z.object({
  ...base,
  type: z.literal('run-started'),
  runId: z.string(),
  experimentName: z.string(),
  experimentFile: z.string(),
  runDir: z.string(),
  backend: backendNameSchema,
  /** Why that backend: which were tried and what failed. */
  backendNotes: z.array(z.string()),
  phases: z.array(phaseSchema),
  pretrained: z.string().nullable(),
  pid: z.number().int(),
  /** The machine the trainer runs on, so a reader knows whether it can check `pid` (absent in older runs). */
  host: hostIdentitySchema.optional(),
  /** One seed of a repeated experiment: its trainer's command line names the group's first run (absent otherwise). */
  seedGroup: seedGroupSchema.optional(),
  /** One run of a study (`medtransfer study`): the study, its point and seed (absent otherwise). */
  study: studyRunRefSchema.optional(),
  /** The SLURM job the trainer runs in (`medtransfer submit`; absent outside SLURM and in older runs). */
  slurm: slurmRunRefSchema.optional(),
});

/** The datasets are read and split (after run-started, so a data error still leaves a readable run). */
export const dataLoadedEventSchema = z.object({
  ...base,
  type: z.literal('data-loaded'),
  source: datasetSummarySchema.nullable(),
  target: datasetSummarySchema,
});

/**
 * Files decoded so far while a dataset loads (a few a second and the last), or read from the
 * cache. `file` is a path relative to the dataset folder, never a value read from a file.
 */
export const dataProgressEventSchema = z.object({
  ...base,
  type: z.literal('data-progress'),
  stage: z.enum(['decoding', 'cache']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  file: z.string().optional(),
});

export const phaseStartedEventSchema = z.object({
  ...base,
  type: z.literal('phase-started'),
  phase: phaseSchema,
  description: z.string(),
  epochs: z.number().int().nonnegative(),
  batchesPerEpoch: z.number().int().nonnegative(),
  learningRate: z.number().nullable(),
  trainableParams: z.number().int().nonnegative(),
  totalParams: z.number().int().nonnegative(),
});

export const batchEndedEventSchema = z.object({
  ...base,
  type: z.literal('batch-ended'),
  phase: trainingPhaseSchema,
  epoch: z.number().int().positive(),
  batch: z.number().int().positive(),
  batches: z.number().int().positive(),
  loss: z.number(),
  imagesPerSecond: z.number().nonnegative(),
});

export const epochEndedEventSchema = z.object({
  ...base,
  type: z.literal('epoch-ended'),
  phase: trainingPhaseSchema,
  epoch: z.number().int().positive(),
  epochs: z.number().int().positive(),
  metrics: epochMetricsSchema,
  imagesPerSecond: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
  /** Validation confusion matrix after this epoch, confusion[actual][predicted]. */
  valConfusion: z.array(counts).nullable(),
  /** Live tensors after the epoch: flat from epoch to epoch, or memory leaks. */
  tensors: z.number().int().nonnegative(),
});

export const phaseEndedEventSchema = z.object({
  ...base,
  type: z.literal('phase-ended'),
  phase: phaseSchema,
  epochsRun: z.number().int().nonnegative(),
  stoppedEarly: z.boolean(),
  bestEpoch: z.number().int().positive().nullable(),
  seconds: z.number().nonnegative(),
});

export const evaluationEventSchema = z.object({
  ...base,
  type: z.literal('evaluation'),
  model: evaluatedModelSchema,
  split: z.enum(['test', 'val']),
  metrics: clinicalMetricsSchema,
});

/** Fine-tuned vs scratch on the evaluated split (after both evaluation events): gain CIs, DeLong. */
export const comparisonEventSchema = z.object({
  ...base,
  type: z.literal('comparison'),
  comparison: modelComparisonSchema,
});

/** Saliency maps were written (pixels in the file, never in the event): what and how many. */
export const saliencyEventSchema = z.object({
  ...base,
  type: z.literal('saliency'),
  /** The file in the run directory, `saliency.json`. */
  file: z.string(),
  split: z.enum(['test', 'val']),
  examples: z.number().int().nonnegative(),
  models: z.array(
    z.object({
      model: evaluatedModelSchema,
      method: z.enum(['grad-cam', 'hirescam', 'smoothgrad']),
      layer: z.string().nullable(),
    }),
  ),
  seconds: z.number().nonnegative(),
});

export const logEventSchema = z.object({
  ...base,
  type: z.literal('log'),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});

export const runEndedEventSchema = z.object({
  ...base,
  type: z.literal('run-ended'),
  status: runEndStatusSchema,
  error: z.string().nullable(),
  /**
   * Why it failed (see errorKind.ts): set with `failed` and `interrupted`, null otherwise. Runs
   * recorded before it existed have none: they parse as null, and views show the message alone.
   */
  errorKind: errorKindSchema.nullable().default(null),
  seconds: z.number().nonnegative(),
});

/**
 * The run continues from its last checkpoint (`medtransfer resume`), appended to the same
 * events.jsonl with `seq` continuing after the last good event. Epochs of `fromPhase` after
 * `fromEpoch`, and any later phase, are superseded by what follows.
 */
export const runResumedEventSchema = z.object({
  ...base,
  type: z.literal('run-resumed'),
  runId: z.string(),
  pid: z.number().int(),
  /** The machine the resumed trainer runs on (absent in older runs). */
  host: hostIdentitySchema.optional(),
  /** The SLURM job the resumed trainer runs in (absent outside SLURM and in older runs). */
  slurm: slurmRunRefSchema.optional(),
  backend: backendNameSchema,
  backendNotes: z.array(z.string()),
  /** The phase the checkpoint is in; null when no training phase had started. */
  fromPhase: trainingPhaseSchema.nullable(),
  /** Epochs of `fromPhase` already done (the checkpoint's epoch). */
  fromEpoch: z.number().int().nonnegative(),
  /** events.jsonl ended in an unfinished line (the trainer died mid-write): it was cut off. */
  tornLineDropped: z.boolean(),
});

export const trainerEventSchema = z.discriminatedUnion('type', [
  runStartedEventSchema,
  dataLoadedEventSchema,
  dataProgressEventSchema,
  phaseStartedEventSchema,
  batchEndedEventSchema,
  epochEndedEventSchema,
  phaseEndedEventSchema,
  evaluationEventSchema,
  comparisonEventSchema,
  saliencyEventSchema,
  logEventSchema,
  runEndedEventSchema,
  runResumedEventSchema,
]);

export type TrainerEvent = z.infer<typeof trainerEventSchema>;
export type TrainerEventType = TrainerEvent['type'];
export type TrainerEventOf<T extends TrainerEventType> = Extract<TrainerEvent, { type: T }>;
export type RunStartedEvent = TrainerEventOf<'run-started'>;
export type EpochEndedEvent = TrainerEventOf<'epoch-ended'>;
export type DataProgressEvent = TrainerEventOf<'data-progress'>;
export type EvaluationEvent = TrainerEventOf<'evaluation'>;
export type ComparisonEvent = TrainerEventOf<'comparison'>;
export type SaliencyEvent = TrainerEventOf<'saliency'>;
export type RunEndedEvent = TrainerEventOf<'run-ended'>;
export type RunResumedEvent = TrainerEventOf<'run-resumed'>;

/** An event before the sink stamps it with `seq` and `time`. */
export type TrainerEventBody = TrainerEvent extends infer E
  ? E extends TrainerEvent
    ? Omit<E, 'seq' | 'time'>
    : never
  : never;

export function isTrainerEvent(value: unknown): value is TrainerEvent {
  return trainerEventSchema.safeParse(value).success;
}
