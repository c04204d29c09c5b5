// tfjs-layers' BatchNormalization with a faster training step and nothing else changed. In
// training, tfjs-layers normalises with tf.moments and tf.batchNorm, and the gradient then runs
// back through both, op by op: about 50 kernels a layer (15 reductions, 27 multiplies, tiles,
// transposes), a third of a resnet-small training step on wasm (scripts/bench/profileModel.ts).
// Here the forward pass is the same two ops, so the outputs and moving statistics are bit for bit
// tfjs-layers', and the gradient is the closed form (Ioffe & Szegedy 2015, §3):
//   x̂ = (x − μ)/√(σ² + ε),  dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/(m√(σ² + ε)) · (m·dy − dβ − x̂·dγ)
// with m the values per channel: two reductions and a few element-wise ops. Inference, other
// axes, and layers without centre or scale run tfjs-layers' own code. The class name stays
// BatchNormalization, so saved models load anywhere as the standard layer. Where the backend has
// batch normalisation kernels of its own (batchNormKernels.ts: the native path), training runs
// them instead: one kernel each way; and one with the ReLU after it where that ReLU is its only
// reader (trainWithRelu, called by batchNormReluChains.ts).
import {
  add,
  batchNorm,
  concat,
  customGrad,
  div,
  moments,
  mul,
  neg,
  rsqrt,
  scalar,
  slice,
  sub,
  sum,
  tidy,
  zeros,
} from '@tensorflow/tfjs-core';
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { BatchNormalization } from '@tensorflow/tfjs-layers/dist/layers/normalization';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { hasChannelAffineKernel, runChannelAffine } from './channelAffineKernels';
import { hasBatchNormKernels, runBatchNormTraining } from './batchNormKernels';
import { hasBatchNormReluKernels, runBatchNormReluTraining } from './batchNormReluKernels';
import { hasFrozenStatistics } from './batchNormStatistics';
import type { LayerVariable } from '@tensorflow/tfjs-layers/dist/variables';

/**
 * The class itself, taken from the package's entry point: importing it from its dist/ file would
 * load a second copy of tfjs-layers (ES modules beside the CommonJS bundle), whose
 * SymbolicTensor the bundle's layers do not recognise.
 */
const BatchNormalizationLayer = layers.batchNormalization({}).constructor as typeof BatchNormalization;

/** The fields of tfjs-layers' BatchNormalization that its training call uses (private there). */
export interface BatchNormalizationFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariable;
  beta: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

export interface NormalizedBatch {
  normed: Tensor;
  /** The batch's mean and (biased) variance per channel, as tf.moments gives them. */
  mean: Tensor;
  variance: Tensor;
}

/**
 * Batch normalisation of `x` over every axis but the last, with the batch's own statistics, as
 * tfjs-layers computes it in training, and with the closed-form gradient for x, γ and β.
 * Two custom ops, as a custom op has one output: the statistics (mean and variance stacked), whose
 * gradient is zero (the normalisation's own gradient accounts for them), and the normalisation.
 */
export function normalizeBatchInTraining(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): NormalizedBatch {
  if (x.dtype === 'float32' && hasBatchNormKernels()) return normalizeWithKernels(x, gamma, beta, epsilon);
  const axes = x.shape.slice(0, -1).map((_, axis) => axis);
  const channels = x.shape[x.shape.length - 1] ?? 1;
  const statisticsOf = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [input] = args as [Tensor];
    const { mean, variance } = moments(input, axes);
    return { value: concat([mean, variance]), gradFunc: () => [zeros(input.shape)] };
  });
  const normalize = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [input, scale, offset, statistics, save] = args as [Tensor, Tensor, Tensor, Tensor, GradSaveFunc];
    const normed = batchNorm(
      input,
      slice(statistics, 0, channels),
      slice(statistics, channels, channels),
      offset,
      scale,
      epsilon,
    );
    save([input, statistics, scale]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [savedInput, savedStatistics, savedScale] = saved as [Tensor, Tensor, Tensor];
      const count = savedInput.size / channels;
      const inverseDeviation = rsqrt(add(slice(savedStatistics, channels, channels), scalar(epsilon)));
      const centered = sub(savedInput, slice(savedStatistics, 0, channels));
      const offsetGradient = sum(dy, axes);
      // Σ dy·x̂ = Σ dy·(x − μ) / √(σ² + ε): the per-channel factor after the reduction.
      const scaleGradient = mul(sum(mul(dy, centered), axes), inverseDeviation);
      // dx = γ/(m√(σ² + ε)) · (m·dy − dβ − x̂·dγ), regrouped per channel into
      // dx = a·dy + b·(x − μ) + c: four passes over the activations, where the formula as written
      // takes seven (on wasm a broadcast operand costs about 5× a plain one).
      const factor = div(mul(savedScale, inverseDeviation), scalar(count));
      const a = mul(factor, scalar(count));
      const b = neg(mul(mul(factor, scaleGradient), inverseDeviation));
      const c = neg(mul(factor, offsetGradient));
      const inputGradient = add(add(mul(dy, a), mul(centered, b)), c);
      return [inputGradient, scaleGradient, offsetGradient, zeros(savedStatistics.shape)];
    };
    return { value: normed, gradFunc };
  });
  const statistics = statisticsOf(x);
  return {
    normed: normalize(x, gamma, beta, statistics),
    mean: slice(statistics, 0, channels),
    variance: slice(statistics, channels, channels),
  };
}

/** The same with the backend's batch normalisation kernels (batchNormKernels.ts): one kernel each way. */
function normalizeWithKernels(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): NormalizedBatch {
  const [normed, mean, variance] = runBatchNormTraining(x, gamma, beta, epsilon);
  if (normed === undefined || mean === undefined || variance === undefined) {
    throw new Error('batch normalisation: the kernel returned fewer than three tensors');
  }
  return { normed, mean, variance };
}

export class FastBatchNormalization extends BatchNormalizationLayer {
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const fields = this as unknown as BatchNormalizationFields;
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (input === undefined || (Array.isArray(inputs) && inputs.length !== 1)) return super.call(inputs, kwargs);
    // Truthy, as tfjs-layers reads it.
    const training = Boolean(kwargs['training'] ?? false);
    const lastAxis = fields.axis === -1 || fields.axis === input.rank - 1;
    if (!lastAxis || !fields.center || !fields.scale || input.rank < 2) return super.call(inputs, kwargs);
    if (!training) {
      if (input.dtype !== 'float32' || !hasChannelAffineKernel()) return super.call(inputs, kwargs);
      // With the moving statistics: x·scale + offset per channel, one pass where the kernel is.
      return tidy(() => {
        const scale = mul(fields.gamma.read(), rsqrt(add(fields.movingVariance.read(), scalar(fields.epsilon))));
        const offset = sub(fields.beta.read(), mul(fields.movingMean.read(), scale));
        return runChannelAffine(input, scale, offset);
      });
    }
    return tidy(() => {
      const { normed, mean, variance } = normalizeBatchInTraining(
        input,
        fields.gamma.read(),
        fields.beta.read(),
        fields.epsilon,
      );
      this.updateMovingStatistics(mean, variance);
      return normed;
    });
  }

  /**
   * relu(this layer in training) in one kernel each way where the backend has one
   * (batchNormReluKernels.ts), moving statistics updated as call() does; null where call() would
   * not run the batch normalisation kernels itself (the statistics frozen, another axis, no
   * centre or scale, another dtype) or the backend lacks the fused kernels.
   */
  trainWithRelu(input: Tensor): Tensor | null {
    const fields = this as unknown as BatchNormalizationFields;
    const lastAxis = fields.axis === -1 || fields.axis === input.rank - 1;
    const fusable = lastAxis && fields.center && fields.scale && input.rank >= 2 && input.dtype === 'float32';
    if (!fusable || hasFrozenStatistics(this) || !hasBatchNormKernels() || !hasBatchNormReluKernels()) return null;
    return tidy(() => {
      const [activated, mean, variance] = runBatchNormReluTraining(
        input,
        fields.gamma.read(),
        fields.beta.read(),
        fields.epsilon,
      );
      if (activated === undefined || mean === undefined || variance === undefined) {
        throw new Error('batch normalisation with ReLU: the kernel returned fewer than four tensors');
      }
      this.updateMovingStatistics(mean, variance);
      return activated;
    });
  }

  /** tfjs-layers' moving-average update, unchanged: moving −= (moving − batch)·(1 − momentum). */
  private updateMovingStatistics(mean: Tensor, variance: Tensor): void {
    const fields = this as unknown as BatchNormalizationFields;
    for (const [variable, value] of [
      [fields.movingMean, mean],
      [fields.movingVariance, variance],
    ] as const) {
      tidy(() => {
        const original = variable.read();
        variable.write(sub(original, mul(sub(original, value), 1 - fields.momentum)));
      });
    }
  }
}
