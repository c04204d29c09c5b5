// The models a run has built, by role: each goes into every checkpoint from the moment it is
// built (so a resume can restore it) and is saved when the run ends, also when it was stopped
// half way (so what was learnt is kept). A new kind of model is a new role here and in
// MODEL_ROLES, and a step that builds it.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { EvaluatedModel } from '../../shared/run/events';
import type { ModelRole } from '../checkpoint/checkpointFormat';
import type { DecisionRule } from '../evaluation/clinicalEvaluation';
import type { Classifier } from '../models/classifier';
import type { ModelToSave } from './finalModels';
import type { RunCheckpoints } from './runCheckpoints';

/** Where a model is saved, and what its metadata.json says about it. */
export type SavedAs = Pick<ModelToSave, 'folder' | 'weightsSource' | 'classes' | 'preprocessing' | 'sourceHead'>;

/** The order the models are saved in: model/ (the fine-tuned one) first. */
const SAVE_ORDER: readonly ModelRole[] = ['fine-tuned', 'source', 'scratch'];

interface BuiltModel {
  model: LayersModel;
  /** Target-task models, for training and evaluation (the source model is only saved). */
  classifier: Classifier | null;
  savedAs: SavedAs;
}

export class RunModels {
  private readonly built = new Map<ModelRole, BuiltModel>();

  constructor(private readonly checkpoints: RunCheckpoints) {}

  add(role: ModelRole, model: LayersModel, savedAs: SavedAs, classifier: Classifier | null = null): void {
    this.checkpoints.register(role, model);
    this.built.set(role, { model, classifier, savedAs });
  }

  /** The target-task classifier of `role`; null when this run has not built one. */
  classifier(role: EvaluatedModel): Classifier | null {
    return this.built.get(role)?.classifier ?? null;
  }

  /** What to save; each evaluated model with the decision rule its evaluation chose. */
  toSave(decisions: Partial<Record<EvaluatedModel, DecisionRule>>): ModelToSave[] {
    return SAVE_ORDER.flatMap((role) => {
      const built = this.built.get(role);
      if (!built) return [];
      const decision = role === 'source' ? null : (decisions[role] ?? null);
      return [{ model: built.model, ...built.savedAs, decision }];
    });
  }
}
