// What runExperiment is asked to do (a new run, or a resume of one) and what it answers.
import type { Experiment } from '../../shared/experiment/schema';
import type { ErrorKind } from '../../shared/run/errorKind';
import type { BackendName, EvaluatedModel, RunEndStatus } from '../../shared/run/events';
import type { ClinicalMetrics, ModelComparison } from '../../shared/run/metrics';
import type { SeedGroup } from '../../shared/run/seedGroup';
import type { StudyRunRef } from '../../shared/study/studyRun';
import type { Checkpoint } from '../checkpoint/checkpointFormat';
import type { EventStream } from '../run/eventStream';
import type { StopSignal } from '../training/stopSignal';

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
  /** Set when this run is one run of a study (`medtransfer study`). */
  study?: StudyRunRef;
  /** Continue from this checkpoint (`medtransfer resume`), appending to the run's events. */
  resume?: { checkpoint: Checkpoint; tornLineDropped: boolean; notes: string[] } | null;
}

export interface RunResult {
  status: RunEndStatus;
  error: string | null;
  /** Why it failed (errorKindOf); null unless it failed. */
  errorKind: ErrorKind | null;
  evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>>;
  comparison: ModelComparison | null;
}
