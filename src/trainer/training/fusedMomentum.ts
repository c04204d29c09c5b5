// tfjs's momentum SGD with each variable's update as one kernel (MedTransferMomentumUpdate) where
// the active backend has it (backend/native/nativeOptimizerKernels.ts), instead of tfjs's two to
// five element-wise kernels a variable; bit for bit tfjs's, as fusedAdam.ts. Everything else is
// tfjs's MomentumOptimizer: its slots (`<name>/momentum`), getWeights/setWeights, class name
// 'Momentum'; other backends run tfjs's own applyGradients.
import { MomentumOptimizer, tidy } from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
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

export const MOMENTUM_UPDATE = 'MedTransferMomentumUpdate';

/**
 * The kernel's inputs are `value`, `accumulation` and `gradient` (float32, one shape); its outputs
 * the new value and accumulation. `momentum` and `negativeLearningRate` are the float32 values of
 * tfjs's scalars `m` and `c` (which setMomentum and setLearningRate do not both follow).
 */
export type MomentumUpdateAttrs = {
  momentum: number;
  negativeLearningRate: number;
  useNesterov: boolean;
};

/** MomentumOptimizer's private state (tfjs-core's momentum_optimizer.js). */
interface MomentumSlots {
  m: Scalar;
  useNesterov: boolean;
  accumulations: OptimizerSlot[];
}

export function hasMomentumUpdateKernel(): boolean {
  return kernelOnActiveBackend(MOMENTUM_UPDATE);
}

export class FusedMomentumOptimizer extends MomentumOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!hasMomentumUpdateKernel()) {
      super.applyGradients(variableGradients);
      return;
    }
    const slots = this as unknown as MomentumSlots;
    const attrs: MomentumUpdateAttrs = {
      momentum: scalarValue('Momentum', slots.m),
      negativeLearningRate: scalarValue('Momentum', this.c),
      useNesterov: slots.useNesterov,
    };
    variableNames(variableGradients).forEach((name, i) => {
      const value = registeredVariable('Momentum', name);
      // Created even for a variable without a gradient, as tfjs does: the slots stay in step with the names.
      slots.accumulations[i] ??= zeroSlot(value, `${name}/momentum`);
      const accumulation = slots.accumulations[i].variable;
      const gradient = gradientAt(variableGradients, name, i);
      if (gradient === undefined) return;
      tidy(() => {
        const [newValue, newAccumulation] = runUpdate(MOMENTUM_UPDATE, { value, accumulation, gradient }, attrs, 2);
        accumulation.assign(newAccumulation as Tensor);
        value.assign(newValue as Tensor);
      });
    });
    this.incrementIterations();
  }
}

/** tfjs's train.momentum, fused where the kernel is registered. */
export function fusedMomentum(learningRate: number, momentum: number, useNesterov = false): FusedMomentumOptimizer {
  return new FusedMomentumOptimizer(learningRate, momentum, useNesterov);
}
