// One optimizer step on one batch: the training loop's and the benchmark's (scripts/bench), so
// the bench times exactly what ships.
import {
  add,
  argMax,
  clipByValue,
  clone,
  gather,
  keep,
  log,
  mean,
  mul,
  neg,
  oneHot,
  stack,
  sub,
  sum,
  tensor,
  tensor1d,
  tidy,
  variableGrads,
} from '@tensorflow/tfjs-core';
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Batch } from './batches';
import { finiteGuard } from './finiteWeights';

/** What a step runs: a whole model on images, or the layers after its cached frozen features (frozenFeatures.ts). */
export interface StepModel {
  apply(inputs: Tensor, kwargs: { training: boolean }): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];
}

export interface StepContext {
  model: StepModel;
  /** One input's shape: an image's [height, width, channels], or the cached features'. */
  shape: readonly number[];
  variables: Variable[];
  classCount: number;
  /** Per-class loss weights, or null for none. */
  classWeights: Tensor | null;
  optimizer: Optimizer;
  /** Variables that learn at a fraction of the optimizer's rate (discriminative learning rates); none when absent. */
  scaledUpdates?: readonly ScaledUpdate[];
}

/** A variable whose update is `scale` times the optimizer's (blockRateScales). */
export interface ScaledUpdate {
  variable: Variable;
  scale: number;
}

export interface StepResult {
  loss: number;
  correct: number;
  /**
   * Whether every gradient was finite. The clipped cross-entropy and max-pooling can keep the loss
   * finite while a NaN input makes the gradients NaN, so the loss alone does not tell.
   */
  gradientsFinite: boolean;
}

/**
 * The optimizer's step, then each scaled variable moved back to `scale` of its update. Adam's,
 * momentum SGD's and RMSProp's (without momentum) updates are linear in the learning rate, so
 * this is the step at a `scale` times lower rate, exactly, with one optimizer and its usual state
 * (checkpoints unchanged).
 */
function applyScaled(context: StepContext, grads: Record<string, Tensor>): void {
  const scaled = context.scaledUpdates ?? [];
  const before = scaled.map(({ variable }) => clone(variable));
  context.optimizer.applyGradients(grads);
  scaled.forEach(({ variable, scale }, index) => {
    const old = before[index];
    if (old) variable.assign(add(old, mul(sub(variable, old), scale)));
  });
}

/**
 * Softmax output's clipped log cross-entropy (class weights optional), gradients by variableGrads,
 * then the update. The loss and a finiteness check of the gradients are read together (one read)
 * before the gradients are applied: a non-finite loss or gradient returns without touching the
 * weights, so what was trained stays usable.
 */
export function trainStep(context: StepContext, batch: Batch): StepResult {
  const { classWeights } = context;
  const kept: { probabilities?: Tensor } = {};
  let lossValue = Number.NaN;
  let gradientsFinite = false;
  tidy(() => {
    const images = tensor(batch.images, [batch.count, ...context.shape]);
    const labels = tensor1d(batch.labels, 'int32');
    const targets = oneHot(labels, context.classCount);
    const { value, grads } = variableGrads(() => {
      const output = context.model.apply(images, { training: true }) as Tensor;
      kept.probabilities = keep(output);
      const perImage = neg(sum(mul(targets, log(clipByValue(output, 1e-7, 1 - 1e-7))), -1));
      const weighted = classWeights ? mul(perImage, gather(classWeights, labels)) : perImage;
      return mean(weighted) as Scalar;
    }, context.variables);
    const [loss, gradientGuard] = stack([value, sum(finiteGuard(Object.values(grads)))]).dataSync();
    lossValue = loss ?? Number.NaN;
    gradientsFinite = gradientGuard === 0;
    if (Number.isFinite(lossValue) && gradientsFinite) applyScaled(context, grads);
  });
  const output = kept.probabilities;
  const predicted = output ? tidy(() => argMax(output, -1).dataSync()) : new Int32Array();
  output?.dispose();
  let correct = 0;
  predicted.forEach((label: number, index: number) => {
    if (label === batch.labels[index]) correct++;
  });
  return { loss: lossValue, correct, gradientsFinite };
}
