// An optimizer's state for a checkpoint: its slots (Adam's moments, momentum's accumulators,
// RMSProp's mean squares) and iteration count through the public getWeights/setWeights, plus
// Adam's running β-powers. setWeights recomputes those as pow(β, iterations + 1), which in
// float32 differs in the last bits from the running product that training keeps, so they are
// saved and put back as they were: a resumed run then steps exactly as an uninterrupted one.
import { tensor } from '@tensorflow/tfjs-core';
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { NamedTensor } from './checkpointFormat';

export interface OptimizerState {
  /** getWeights() in order: the iteration count first, then the slots. */
  weights: NamedTensor[];
  /** Adam's accBeta1 and accBeta2, when the optimizer has them. */
  betaPowers: [number, number] | null;
}

interface AdamInternals {
  accBeta1: Variable;
  accBeta2: Variable;
}

function adamInternals(optimizer: Optimizer): AdamInternals | null {
  const candidate = optimizer as unknown as Partial<AdamInternals>;
  const isVariable = (value: unknown): value is Variable =>
    value !== null && typeof value === 'object' && 'assign' in value && 'dataSync' in value;
  return isVariable(candidate.accBeta1) && isVariable(candidate.accBeta2)
    ? { accBeta1: candidate.accBeta1, accBeta2: candidate.accBeta2 }
    : null;
}

/**
 * The optimizer's state now. The slots are the optimizer's own variables (not copies): encode
 * them before training goes on; `release` frees what getWeights created (the iteration scalar).
 */
export async function captureOptimizer(optimizer: Optimizer): Promise<{ state: OptimizerState; release: () => void }> {
  const weights = await optimizer.getWeights();
  const adam = adamInternals(optimizer);
  const betaPowers: [number, number] | null = adam
    ? [adam.accBeta1.dataSync()[0] ?? 0, adam.accBeta2.dataSync()[0] ?? 0]
    : null;
  const created = weights.filter((weight) => weight.name === 'iter').map((weight) => weight.tensor);
  return { state: { weights, betaPowers }, release: () => created.forEach((created) => created.dispose()) };
}

/** Puts a saved state into a fresh optimizer of the same kind (before its first step). */
export async function restoreOptimizer(optimizer: Optimizer, state: OptimizerState): Promise<void> {
  if (state.weights.length === 0) return;
  await optimizer.setWeights(state.weights);
  const adam = adamInternals(optimizer);
  if (adam && state.betaPowers) {
    const [beta1, beta2]: Tensor[] = state.betaPowers.map((value) => tensor(value));
    if (beta1 && beta2) {
      adam.accBeta1.assign(beta1);
      adam.accBeta2.assign(beta2);
    }
    beta1?.dispose();
    beta2?.dispose();
  }
}
