// Folds the event stream of one run into the state every view shows. The run directory's
// events.jsonl is the source of truth: replaying it from the start gives the same state as
// having watched the run live, so a view opened later or after a reload rebuilds from it.
import type { ErrorKind } from './errorKind';
import type { HostIdentity } from './hostIdentity';
import type { SeedGroup } from './seedGroup';
import type { SlurmRunRef } from './slurmJob';
import type { StudyRunRef } from '../study/studyRun';
import type { ClinicalMetrics, ModelComparison } from './metrics';
import type {
  BackendName,
  DatasetSummary,
  EpochMetrics,
  EvaluatedModel,
  Phase,
  RunEndStatus,
  RunResumedEvent,
  SaliencyEvent,
  TrainerEvent,
  TrainingPhase,
} from './events';

export type RunStatus = 'running' | RunEndStatus;

export interface PhaseState {
  phase: Phase;
  description: string;
  epochs: number;
  batchesPerEpoch: number;
  learningRate: number | null;
  trainableParams: number;
  totalParams: number;
  epochsDone: number;
  ended: boolean;
  stoppedEarly: boolean;
  bestEpoch: number | null;
  seconds: number | null;
}

export interface EpochRecord {
  phase: TrainingPhase;
  epoch: number;
  epochs: number;
  metrics: EpochMetrics;
  imagesPerSecond: number;
  seconds: number;
  valConfusion: number[][] | null;
  time: string;
}

export interface BatchProgress {
  phase: TrainingPhase;
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSecond: number;
  time: string;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  time: string;
}

export interface RunState {
  runId: string | null;
  experimentName: string | null;
  experimentFile: string | null;
  runDir: string | null;
  backend: BackendName | null;
  backendNotes: string[];
  pid: number | null;
  /** When the event that named `pid` (run-started, or the latest run-resumed) was written. */
  pidNamedAt: string | null;
  /** The machine that event says `pid` runs on; null in runs recorded before it was. */
  trainerHost: HostIdentity | null;
  /** Where the run stands in a repeated experiment; null for a single run (and in older runs). */
  seedGroup: SeedGroup | null;
  /** The study, point and seed this run is one run of; null for a run outside a study. */
  study: StudyRunRef | null;
  /** The SLURM job its trainer runs (or ran) in, from run-started or the latest run-resumed; null outside SLURM. */
  slurm: SlurmRunRef | null;
  status: RunStatus;
  error: string | null;
  /** Why it failed or was interrupted; null while it runs, when it did not fail, and in runs older than errorKind. */
  errorKind: ErrorKind | null;
  startedAt: string | null;
  endedAt: string | null;
  seconds: number | null;
  plannedPhases: Phase[];
  source: DatasetSummary | null;
  target: DatasetSummary | null;
  /** The latest data-progress (files decoded or read from the cache); null before any. */
  dataProgress: { stage: 'decoding' | 'cache'; done: number; total: number } | null;
  pretrained: string | null;
  currentPhase: Phase | null;
  phases: Partial<Record<Phase, PhaseState>>;
  epochs: EpochRecord[];
  lastBatch: BatchProgress | null;
  evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>>;
  evaluationSplit: 'test' | 'val' | null;
  /** Fine-tuned vs scratch with CIs and DeLong's test; null before the comparison event (or in older runs). */
  comparison: ModelComparison | null;
  /** What the saliency event said was written to saliency.json; null before it (or when off). */
  saliency: Omit<SaliencyEvent, 'type' | 'seq' | 'time'> | null;
  logs: LogLine[];
  lastSeq: number;
}

/** How many log lines a state keeps (the full log is in log.txt). */
const KEPT_LOG_LINES = 200;

export function emptyRunState(): RunState {
  return {
    runId: null,
    experimentName: null,
    experimentFile: null,
    runDir: null,
    backend: null,
    backendNotes: [],
    pid: null,
    pidNamedAt: null,
    trainerHost: null,
    seedGroup: null,
    study: null,
    slurm: null,
    status: 'running',
    error: null,
    errorKind: null,
    startedAt: null,
    endedAt: null,
    seconds: null,
    plannedPhases: [],
    source: null,
    target: null,
    dataProgress: null,
    pretrained: null,
    currentPhase: null,
    phases: {},
    epochs: [],
    lastBatch: null,
    evaluations: {},
    evaluationSplit: null,
    comparison: null,
    saliency: null,
    logs: [],
    lastSeq: -1,
  };
}

/** Applies one event; returns a new state (the input is not changed). Replayed events are ignored. */
export function reduceRunEvent(state: RunState, event: TrainerEvent): RunState {
  if (event.seq <= state.lastSeq) return state;
  const next: RunState = { ...state, lastSeq: event.seq };
  switch (event.type) {
    case 'run-started':
      return {
        ...next,
        runId: event.runId,
        experimentName: event.experimentName,
        experimentFile: event.experimentFile,
        runDir: event.runDir,
        backend: event.backend,
        backendNotes: event.backendNotes,
        pid: event.pid,
        pidNamedAt: event.time,
        trainerHost: event.host ?? null,
        seedGroup: event.seedGroup ?? null,
        study: event.study ?? null,
        slurm: event.slurm ?? null,
        startedAt: event.time,
        plannedPhases: event.phases,
        pretrained: event.pretrained,
      };
    case 'data-loaded':
      return { ...next, source: event.source, target: event.target };
    case 'data-progress':
      return { ...next, dataProgress: { stage: event.stage, done: event.done, total: event.total } };
    case 'phase-started':
      return {
        ...next,
        currentPhase: event.phase,
        lastBatch: null,
        phases: {
          ...state.phases,
          [event.phase]: {
            phase: event.phase,
            description: event.description,
            epochs: event.epochs,
            batchesPerEpoch: event.batchesPerEpoch,
            learningRate: event.learningRate,
            trainableParams: event.trainableParams,
            totalParams: event.totalParams,
            epochsDone: 0,
            ended: false,
            stoppedEarly: false,
            bestEpoch: null,
            seconds: null,
          },
        },
      };
    case 'batch-ended':
      return {
        ...next,
        lastBatch: {
          phase: event.phase,
          epoch: event.epoch,
          batch: event.batch,
          batches: event.batches,
          loss: event.loss,
          imagesPerSecond: event.imagesPerSecond,
          time: event.time,
        },
      };
    case 'epoch-ended': {
      const phase = state.phases[event.phase];
      return {
        ...next,
        epochs: [
          ...state.epochs,
          {
            phase: event.phase,
            epoch: event.epoch,
            epochs: event.epochs,
            metrics: event.metrics,
            imagesPerSecond: event.imagesPerSecond,
            seconds: event.seconds,
            valConfusion: event.valConfusion,
            time: event.time,
          },
        ],
        phases: phase ? { ...state.phases, [event.phase]: { ...phase, epochsDone: event.epoch } } : state.phases,
      };
    }
    case 'phase-ended': {
      const phase = state.phases[event.phase];
      if (!phase) return next;
      return {
        ...next,
        phases: {
          ...state.phases,
          [event.phase]: {
            ...phase,
            ended: true,
            epochsDone: event.epochsRun,
            stoppedEarly: event.stoppedEarly,
            bestEpoch: event.bestEpoch,
            seconds: event.seconds,
          },
        },
      };
    }
    case 'evaluation':
      return {
        ...next,
        evaluations: { ...state.evaluations, [event.model]: event.metrics },
        evaluationSplit: event.split,
      };
    case 'comparison':
      return { ...next, comparison: event.comparison };
    case 'saliency':
      return {
        ...next,
        saliency: {
          file: event.file,
          split: event.split,
          examples: event.examples,
          models: event.models,
          seconds: event.seconds,
        },
      };
    case 'log':
      return {
        ...next,
        logs: [...state.logs, { level: event.level, message: event.message, time: event.time }].slice(-KEPT_LOG_LINES),
      };
    case 'run-ended':
      return {
        ...next,
        status: event.status,
        error: event.error,
        errorKind: event.errorKind,
        endedAt: event.time,
        seconds: event.seconds,
        currentPhase: null,
        lastBatch: null,
      };
    case 'run-resumed':
      return resumeFromCheckpoint(next, event);
  }
}

/**
 * A resumed run is running again from its checkpoint: what came before the checkpoint stays,
 * what came after it (epochs of the resumed phase past `fromEpoch`, later phases, evaluations)
 * is dropped, because the resumed trainer writes it again; so curves are never doubled.
 */
function resumeFromCheckpoint(state: RunState, event: RunResumedEvent): RunState {
  const order = state.plannedPhases;
  const resumedAt = event.fromPhase === null ? -1 : order.indexOf(event.fromPhase);
  const isAfterCheckpoint = (phase: Phase, epoch: number | null): boolean => {
    if (phase === event.fromPhase) return epoch === null ? false : epoch > event.fromEpoch;
    const index = order.indexOf(phase);
    return index === -1 || index > resumedAt;
  };
  const phases: Partial<Record<Phase, PhaseState>> = {};
  for (const [name, phase] of Object.entries(state.phases) as [Phase, PhaseState][]) {
    if (isAfterCheckpoint(name, null)) continue;
    phases[name] =
      name === event.fromPhase
        ? { ...phase, epochsDone: event.fromEpoch, ended: false, stoppedEarly: false, seconds: null }
        : phase;
  }
  return {
    ...state,
    status: 'running',
    error: null,
    errorKind: null,
    endedAt: null,
    seconds: null,
    pid: event.pid,
    pidNamedAt: event.time,
    trainerHost: event.host ?? null,
    slurm: event.slurm ?? null,
    backend: event.backend,
    backendNotes: event.backendNotes,
    currentPhase: event.fromPhase,
    lastBatch: null,
    phases,
    epochs: state.epochs.filter((record) => !isAfterCheckpoint(record.phase, record.epoch)),
    evaluations: {},
    evaluationSplit: null,
    comparison: null,
    saliency: null,
  };
}

/** Replays a whole event list. */
export function replayRunEvents(events: readonly TrainerEvent[]): RunState {
  return events.reduce(reduceRunEvent, emptyRunState());
}

export interface TransferGain {
  auc: number | null;
  balancedAccuracy: number | null;
  sensitivity: number | null;
}

/** Fine-tuned minus scratch, for the headline numbers; null where either side is missing. */
export function transferGain(state: Pick<RunState, 'evaluations'>): TransferGain | null {
  const fineTuned = state.evaluations['fine-tuned'];
  const scratch = state.evaluations.scratch;
  if (!fineTuned || !scratch) return null;
  const difference = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);
  return {
    auc: difference(fineTuned.auc, scratch.auc),
    balancedAccuracy: difference(fineTuned.balancedAccuracy, scratch.balancedAccuracy),
    sensitivity: difference(fineTuned.sensitivity ?? null, scratch.sensitivity ?? null),
  };
}

/** The key result in a few words, e.g. `AUC 0.93 vs 0.73 scratch`. */
export function summarizeResult(state: Pick<RunState, 'evaluations'>): string | null {
  const fineTuned = state.evaluations['fine-tuned'];
  if (!fineTuned) return null;
  const scratch = state.evaluations.scratch;
  const format = (value: number | null): string => (value === null ? '–' : value.toFixed(2));
  const [label, pick] =
    fineTuned.auc !== null
      ? (['AUC', (m: ClinicalMetrics) => m.auc] as const)
      : (['bal. acc.', (m: ClinicalMetrics) => m.balancedAccuracy] as const);
  return scratch
    ? `${label} ${format(pick(fineTuned))} vs ${format(pick(scratch))} scratch`
    : `${label} ${format(pick(fineTuned))}`;
}
