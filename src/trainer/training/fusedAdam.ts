// tfjs's Adam with each variable's update as one kernel (MedTransferAdamUpdate) where the active
// backend has it (the native kernels on wasm: backend/native/nativeOptimizerKernels.ts), instead
// of tfjs's ten element-wise kernels a variable on wasm's one thread. The kernel computes exactly
// tfjs's float32 operations in tfjs's order, so the weights and moments are bit for bit tfjs's.
// Everything else is tfjs's AdamOptimizer: its state, the slots' names, getWeights/setWeights
// (checkpoints), its class name 'Adam'; other backends run tfjs's own applyGradients.
import { AdamOptimizer, mul, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import {
  gradientAt,
  kernelOnActiveBackend,
  registeredVariable,
  runUpdate,
  scalarValue,
  variableNames,
  zeroSlot,
} from './fusedUpdates';
import type { OptimizerSlot, VariableGradients } from './fusedUpdates';

export const ADAM_UPDATE = 'MedTransferAdamUpdate';

/**
 * The kernel's inputs are `value`, `m`, `v` and `gradient` (float32, one shape); its outputs the
 * new value, m and v. The numbers are tfjs's own (JS numbers, rounded to float32 by the kernel as
 * tfjs's scalars are); the bias corrections are 1 − β^t from tfjs's running float32 powers.
 */
export type AdamUpdateAttrs = {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  biasCorrection1: number;
  biasCorrection2: number;
};

/** AdamOptimizer's private state (tfjs-core's adam_optimizer.js), which the fused step keeps as tfjs does. */
interface AdamSlots {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: OptimizerSlot[];
  accumulatedSecondMoment: OptimizerSlot[];
}

export function hasAdamUpdateKernel(): boolean {
  return kernelOnActiveBackend(ADAM_UPDATE);
}

/** 1 − power in float32, as tfjs's sub(1, accBeta) gives it (rounding the double difference is the same). */
function biasCorrection(power: Variable): number {
  return Math.fround(1 - scalarValue('Adam', power));
}

export class FusedAdamOptimizer extends AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!hasAdamUpdateKernel()) {
      super.applyGradients(variableGradients);
      return;
    }
    const slots = this as unknown as AdamSlots;
    const names = variableNames(variableGradients);
    const attrs: AdamUpdateAttrs = {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      learningRate: this.learningRate,
      biasCorrection1: biasCorrection(slots.accBeta1),
      biasCorrection2: biasCorrection(slots.accBeta2),
    };
    tidy(() => {
      names.forEach((name, i) => {
        const value = registeredVariable('Adam', name);
        // Created even for a variable without a gradient, as tfjs does: the slots stay in step with the names.
        slots.accumulatedFirstMoment[i] ??= zeroSlot(value, `${name}/m`);
        slots.accumulatedSecondMoment[i] ??= zeroSlot(value, `${name}/v`);
        const gradient = gradientAt(variableGradients, name, i);
        if (gradient === undefined) return;
        const m = slots.accumulatedFirstMoment[i].variable;
        const v = slots.accumulatedSecondMoment[i].variable;
        const [newValue, newM, newV] = runUpdate(ADAM_UPDATE, { value, m, v, gradient }, attrs, 3);
        m.assign(newM as Tensor);
        v.assign(newV as Tensor);
        value.assign(newValue as Tensor);
      });
      slots.accBeta1.assign(mul(slots.accBeta1, this.beta1));
      slots.accBeta2.assign(mul(slots.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/** tfjs's train.adam, fused where the kernel is registered. */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
