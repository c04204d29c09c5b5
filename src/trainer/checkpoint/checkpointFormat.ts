// What a checkpoint holds: where the run is (phase and epoch), the random streams, the early
// stopping state, and the tensors (model weights, best weights, optimizer slots) listed by
// group. state.json is validated on load like every other file: a checkpoint is input too.
import { z } from 'zod';
import type { Tensor } from '@tensorflow/tfjs-core';
import { trainingPhaseSchema } from '../../shared/run/events';
import type { TrainingPhase } from '../../shared/run/events';
import type { EarlyStoppingState } from '../training/earlyStopping';

/** A tensor with a name, as tfjs optimizers' getWeights/setWeights use them. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

export const CHECKPOINT_FORMAT = 'medtransfer-checkpoint/1';

/** The models a run builds, in the order their weights are restored (the fine-tuned model shares the source's base). */
export const MODEL_ROLES = ['source', 'fine-tuned', 'scratch'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

const uint32 = z.number().int().nonnegative().max(0xffffffff);

export const checkpointStateSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  runId: z.string(),
  experimentName: z.string(),
  savedAt: z.string(),
  phase: trainingPhaseSchema,
  /** Epochs of `phase` done. */
  epoch: z.number().int().positive(),
  epochs: z.number().int().positive(),
  random: z.object({
    /** The shared stream (batch shuffles) after this epoch. */
    shuffle: uint32,
    /** The phase's augmentation stream after this epoch; null without augmentation. */
    augment: uint32.nullable(),
    /** The shared stream at the end of each finished phase, to skip those phases exactly on resume. */
    afterPhase: z.partialRecord(trainingPhaseSchema, uint32),
  }),
  /** The training images' order after this epoch's shuffle (each epoch shuffles the last one's). */
  batchOrder: z.array(z.number().int().nonnegative()),
  earlyStopping: z
    .object({
      best: z.number().nullable(),
      epochsWithoutImprovement: z.number().int().nonnegative(),
      bestEpoch: z.number().int().positive().nullable(),
    })
    .nullable(),
  /** Adam's running β-powers (optimizerState.ts). */
  optimizerBetaPowers: z.tuple([z.number(), z.number()]).nullable(),
  /** Tensor groups in weights.bin: `model:<role>`, `best`, `optimizer`, each a count of consecutive tensors. */
  groups: z.array(
    z.object({ name: z.string(), count: z.number().int().nonnegative(), names: z.array(z.string()).optional() }),
  ),
  weightSpecs: z.array(
    z.object({
      name: z.string(),
      shape: z.array(z.number().int().nonnegative()),
      dtype: z.enum(['float32', 'int32', 'bool']),
    }),
  ),
});
export type CheckpointState = z.infer<typeof checkpointStateSchema>;

/** A checkpoint in memory, with its tensors (owned by whoever holds it: dispose when done). */
export interface Checkpoint {
  runId: string;
  experimentName: string;
  phase: TrainingPhase;
  epoch: number;
  epochs: number;
  random: CheckpointState['random'];
  earlyStopping: EarlyStoppingState | null;
  batchOrder: number[];
  models: Partial<Record<ModelRole, Tensor[]>>;
  bestWeights: Tensor[] | null;
  optimizer: { weights: NamedTensor[]; betaPowers: [number, number] | null };
}

export function disposeCheckpoint(checkpoint: Checkpoint): void {
  for (const tensors of Object.values(checkpoint.models)) tensors.forEach((tensor) => tensor.dispose());
  checkpoint.bestWeights?.forEach((tensor) => tensor.dispose());
  checkpoint.optimizer.weights.forEach((weight) => weight.tensor.dispose());
}
