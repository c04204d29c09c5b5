// The pipeline's side of checkpoints: which models the run has built (by role), the shared random
// stream's state at the end of each finished phase, and, on resume, the checkpoint still to be
// reached. A checkpoint is written after every epoch; a resumed run skips the phases before the
// checkpoint's (their results come from its weights), restores everything in the checkpoint's
// phase, and goes on from the next epoch.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { TrainingPhase } from '../../shared/run/events';
import { MODEL_ROLES } from '../checkpoint/checkpointFormat';
import type { Checkpoint, ModelRole } from '../checkpoint/checkpointFormat';
import { writeCheckpoint } from '../checkpoint/checkpointFiles';
import { captureOptimizer } from '../checkpoint/optimizerState';
import type { SeededRandom } from '../random';
import type { EpochEnd, PhaseResume } from '../training/trainPhase';
import { errorMessage } from '../../shared/errors/errorMessage';

export class RunCheckpoints {
  private readonly models = new Map<ModelRole, LayersModel>();
  private readonly randomAfterPhase: Partial<Record<TrainingPhase, number>>;
  private pending: Checkpoint | null;

  /** `runDir` null: no checkpoints are written (nothing to resume). */
  constructor(
    private readonly identity: { runId: string; experimentName: string; runDir: string | null },
    resumeFrom: Checkpoint | null,
  ) {
    this.pending = resumeFrom;
    this.randomAfterPhase = { ...(resumeFrom?.random.afterPhase ?? {}) };
  }

  /** A model the run built; its weights go into every checkpoint from now on. */
  register(role: ModelRole, model: LayersModel): void {
    this.models.set(role, model);
  }

  /** Still waiting for the checkpoint's phase (a resumed run before it). */
  get resuming(): boolean {
    return this.pending !== null;
  }

  /**
   * Before `phase` starts: 'skip' when a resumed run's checkpoint is in a later phase (the shared
   * random stream is set to where that phase left it), 'resume' with the phase's state when the
   * checkpoint is in this phase (the models' weights and the random stream are restored), 'run'
   * otherwise.
   */
  enter(
    phase: TrainingPhase,
    random: SeededRandom,
  ): { kind: 'run' } | { kind: 'skip' } | { kind: 'resume'; resume: PhaseResume; checkpoint: Checkpoint } {
    const checkpoint = this.pending;
    if (!checkpoint) return { kind: 'run' };
    if (checkpoint.phase !== phase) {
      const after = checkpoint.random.afterPhase[phase];
      if (after === undefined)
        throw new Error(
          `the checkpoint is in the ${checkpoint.phase} phase but the run reached ${phase} first: ` +
            'it does not belong to this experiment',
        );
      random.restore(after);
      return { kind: 'skip' };
    }
    this.restoreModels(checkpoint);
    random.restore(checkpoint.random.shuffle);
    this.pending = null;
    return {
      kind: 'resume',
      checkpoint,
      resume: {
        epoch: checkpoint.epoch,
        earlyStopping: checkpoint.earlyStopping,
        bestWeights: checkpoint.bestWeights,
        batchOrder: checkpoint.batchOrder,
      },
    };
  }

  /** After a phase ends: where the shared random stream is, for a resume that skips this phase. */
  phaseEnded(phase: TrainingPhase, random: SeededRandom): void {
    this.randomAfterPhase[phase] = random.snapshot();
  }

  /** Writes the checkpoint for the end of an epoch. */
  async write(at: {
    phase: TrainingPhase;
    epochs: number;
    end: EpochEnd;
    random: SeededRandom;
    augmentRandom: SeededRandom | null;
    optimizer: Optimizer;
  }): Promise<void> {
    const { runDir } = this.identity;
    if (runDir === null) return;
    const models: Partial<Record<ModelRole, ReturnType<LayersModel['getWeights']>>> = {};
    for (const [role, model] of this.models) models[role] = model.getWeights();
    const optimizer = await captureOptimizer(at.optimizer);
    try {
      await writeCheckpoint(runDir, {
        runId: this.identity.runId,
        experimentName: this.identity.experimentName,
        phase: at.phase,
        epoch: at.end.epoch,
        epochs: at.epochs,
        random: {
          shuffle: at.random.snapshot(),
          augment: at.augmentRandom?.snapshot() ?? null,
          afterPhase: { ...this.randomAfterPhase },
        },
        earlyStopping: at.end.earlyStopping,
        batchOrder: at.end.batchOrder,
        models,
        bestWeights: at.end.bestWeights,
        optimizer: optimizer.state,
      });
    } finally {
      optimizer.release();
    }
  }

  private restoreModels(checkpoint: Checkpoint): void {
    for (const role of MODEL_ROLES) {
      const weights = checkpoint.models[role];
      if (!weights) continue;
      const model = this.models.get(role);
      if (!model)
        throw new Error(
          `the checkpoint has weights of the ${role} model, which this run has not built: ` +
            'it does not belong to this experiment',
        );
      try {
        model.setWeights(weights);
      } catch (error) {
        throw new Error(
          `the checkpoint's ${role} weights do not fit the model (${errorMessage(error)}): it does not belong to this experiment`,
        );
      }
    }
  }
}
