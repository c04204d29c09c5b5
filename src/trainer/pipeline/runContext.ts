// What the steps of a run share: the request, its plan, the phase environment (events, stop,
// the run's random stream, checkpoints) and what earlier steps made (the data, the transferred
// base, the models, the evaluation). A step reads only what a step before it set; reading it
// earlier is a mistake in the step list, reported as such.
import type { Experiment } from '../../shared/experiment/schema';
import type { EvaluatedModel } from '../../shared/run/events';
import type { ImageShape } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { SeededRandom } from '../random';
import type { EventStream } from '../run/eventStream';
import type { EvaluationOutcome } from './evaluateModels';
import type { RunData } from './loadRunData';
import type { PhaseEnvironment, PhaseRequest } from './phaseRunner';
import type { RunPlan } from './plan';
import { RunCheckpoints } from './runCheckpoints';
import type { RunRequest } from './runRequest';
import { RunModels } from './runModels';
import type { SourceModel } from './sourceModel';

/** The target task as every target phase trains on it. */
export type TargetTask = Pick<PhaseRequest, 'data' | 'classes' | 'positiveClass' | 'targetTask'>;

export class RunContext {
  readonly experiment: Experiment;
  readonly events: EventStream;
  readonly environment: PhaseEnvironment;
  readonly models: RunModels;
  /** model.inputShape: the source task's images, and the target's unless a pretrained base fixes their size. */
  readonly shape: ImageShape;
  targetShape: ImageShape;
  /** The target's class names; none until the data is loaded (metrics.json of a run that failed before). */
  classes: string[] = [];
  evaluation: EvaluationOutcome | null = null;
  private loaded: { data: RunData; target: TargetTask } | null = null;
  private transferred: SourceModel | null = null;

  constructor(
    readonly request: RunRequest,
    readonly plan: RunPlan,
  ) {
    this.experiment = request.experiment;
    this.events = request.events;
    const checkpoints = new RunCheckpoints(
      { runId: request.runId, experimentName: this.experiment.name, runDir: request.runDir },
      request.resume?.checkpoint ?? null,
    );
    this.environment = {
      experiment: this.experiment,
      events: this.events,
      stop: request.stop,
      random: new SeededRandom(this.experiment.seed),
      checkpoints,
      runDir: request.runDir,
    };
    this.models = new RunModels(checkpoints);
    this.shape = this.experiment.model.inputShape as ImageShape;
    this.targetShape = this.shape;
  }

  get checkpoints(): RunCheckpoints {
    return this.environment.checkpoints;
  }

  setData(data: RunData, target: TargetTask): void {
    this.loaded = { data, target };
  }

  get data(): RunData {
    return this.required(this.loaded, 'the data').data;
  }

  get target(): TargetTask {
    return this.required(this.loaded, 'the data').target;
  }

  /** The model whose feature extractor the target task starts from. */
  set source(source: SourceModel) {
    this.transferred = source;
  }

  get source(): SourceModel {
    return this.required(this.transferred, 'the source model');
  }

  /** The target-task classifier of `role`, built by an earlier step. */
  classifier(role: EvaluatedModel): Classifier {
    return this.required(this.models.classifier(role), `the ${role} model`);
  }

  private required<T>(value: T | null, what: string): T {
    if (value === null) throw new Error(`internal error: a step of the run read ${what} before a step made it`);
    return value;
  }
}
