// tfjs's RMSProp with each variable's update as one kernel (MedTransferRMSPropUpdate) where the
// active backend has it (backend/native/nativeOptimizerKernels.ts), instead of tfjs's eight
// element-wise kernels a variable; bit for bit tfjs's, as fusedAdam.ts. Everything else is tfjs's
// RMSPropOptimizer: its slots (`<name>/rms`, `<name>/momentum`), getWeights/setWeights, class name
// 'RMSProp'; centered RMSProp and other backends run tfjs's own applyGradients.
import { RMSPropOptimizer, tidy } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  gradientAt,
  kernelOnActiveBackend,
  registeredVariable,
  runUpdate,
  variableNames,
  zeroSlot,
} from './fusedUpdates';
import type { OptimizerSlot, VariableGradients } from './fusedUpdates';

export const RMSPROP_UPDATE = 'MedTransferRMSPropUpdate';

/**
 * The kernel's inputs are `value`, `meanSquare`, `moment` and `gradient` (float32, one shape); its
 * outputs the new value, mean square and moment. The numbers are tfjs's JS numbers.
 */
export type RmsPropUpdateAttrs = {
  decay: number;
  momentum: number;
  learningRate: number;
  epsilon: number;
};

/** RMSPropOptimizer's private state (tfjs-core's rmsprop_optimizer.js). */
interface RmsPropSlots {
  centered: boolean;
  accumulatedMeanSquares: OptimizerSlot[];
  accumulatedMoments: OptimizerSlot[];
}

export function hasRmsPropUpdateKernel(): boolean {
  return kernelOnActiveBackend(RMSPROP_UPDATE);
}

export class FusedRmsPropOptimizer extends RMSPropOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const slots = this as unknown as RmsPropSlots;
    if (slots.centered || !hasRmsPropUpdateKernel()) {
      super.applyGradients(variableGradients);
      return;
    }
    const attrs: RmsPropUpdateAttrs = {
      decay: this.decay,
      momentum: this.momentum,
      learningRate: this.learningRate,
      epsilon: this.epsilon,
    };
    variableNames(variableGradients).forEach((name, i) => {
      const value = registeredVariable('RMSProp', name);
      // Created even for a variable without a gradient, as tfjs does: the slots stay in step with the names.
      slots.accumulatedMeanSquares[i] ??= zeroSlot(value, `${name}/rms`);
      slots.accumulatedMoments[i] ??= zeroSlot(value, `${name}/momentum`);
      const gradient = gradientAt(variableGradients, name, i);
      if (gradient === undefined) return;
      const meanSquare = slots.accumulatedMeanSquares[i].variable;
      const moment = slots.accumulatedMoments[i].variable;
      tidy(() => {
        const [newValue, newMeanSquare, newMoment] = runUpdate(
          RMSPROP_UPDATE,
          { value, meanSquare, moment, gradient },
          attrs,
          3,
        );
        meanSquare.assign(newMeanSquare as Tensor);
        moment.assign(newMoment as Tensor);
        value.assign(newValue as Tensor);
      });
    });
    this.incrementIterations();
  }
}

/** tfjs's train.rmsprop, fused where the kernel is registered (and not centered). */
export function fusedRmsProp(
  learningRate: number,
  decay = 0.9,
  momentum = 0,
  epsilon?: number,
  centered = false,
): FusedRmsPropOptimizer {
  return new FusedRmsPropOptimizer(learningRate, decay, momentum, epsilon, centered);
}
