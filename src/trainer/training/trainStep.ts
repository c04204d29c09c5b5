// One optimizer step on one batch: the training loop's and the benchmark's (scripts/bench), so
// the bench times exactly what ships.
import {
  add,
  argMax,
  clipByValue,
  clone,
  dispose,
  div,
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
} from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Batch } from './batches';
import { finiteGuard } from './finiteWeights';
import { leanVariableGrads } from './leanGradients';
import { releasingStepModel } from './releasingModel';

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
  /**
   * Images computed at once (training.microBatchSize): a larger batch is split and the gradients of
   * its parts summed before the one update. Absent: the whole batch at once.
   */
  microBatchSize?: number;
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

/** The gradients, loss and probabilities of one part of a batch (all of it, or a micro-batch). */
interface PartGradients {
  /** The part's share of the batch's mean loss. */
  value: Scalar;
  grads: NamedTensorMap;
  probabilities: Tensor;
}

/**
 * Softmax output's clipped log cross-entropy (class weights optional) over images [start, end) of
 * the batch, as its share of the batch's mean: summed over the parts, the whole batch's loss and
 * gradients. One part is the whole batch's mean itself, so a batch without micro-batches is
 * computed exactly as it always was.
 */
function partGradients(context: StepContext, batch: Batch, start: number, end: number): PartGradients {
  return tidy(() => {
    const size = context.shape.reduce((product, extent) => product * extent, 1);
    const count = end - start;
    const images = tensor(batch.images.subarray(start * size, end * size), [count, ...context.shape]);
    const labels = tensor1d(batch.labels.subarray(start, end), 'int32');
    const targets = oneHot(labels, context.classCount);
    const { classWeights } = context;
    let probabilities: Tensor | null = null;
    const { value, grads } = leanVariableGrads(() => {
      const output = releasingStepModel(context.model).apply(images, { training: true }) as Tensor;
      probabilities = keep(output);
      const perImage = neg(sum(mul(targets, log(clipByValue(output, 1e-7, 1 - 1e-7))), -1));
      const weighted = classWeights ? mul(perImage, gather(classWeights, labels)) : perImage;
      return (count === batch.count ? mean(weighted) : div(sum(weighted), batch.count)) as Scalar;
    }, context.variables);
    if (!probabilities) throw new Error('the model gave no output');
    return { value, grads, probabilities };
  });
}

/** A loss and its gradients. */
interface LossGradients {
  value: Scalar;
  grads: NamedTensorMap;
}

/** A batch's loss and summed gradients, and the probabilities of each of its parts. */
interface BatchGradients extends LossGradients {
  probabilities: Tensor[];
}

function disposePart(part: LossGradients): void {
  dispose([part.value, ...Object.values(part.grads)]);
}

/** The batch's loss and gradients, a micro-batch at a time: each part's activations are freed before the next. */
function batchGradients(context: StepContext, batch: Batch): BatchGradients {
  const part = Math.min(context.microBatchSize ?? batch.count, batch.count);
  const probabilities: Tensor[] = [];
  let total: LossGradients | null = null;
  try {
    for (let start = 0; start < batch.count; start += part) {
      const next = partGradients(context, batch, start, Math.min(start + part, batch.count));
      probabilities.push(next.probabilities);
      if (total === null) {
        total = next;
        continue;
      }
      const previous: LossGradients = total;
      total = {
        value: tidy(() => add(previous.value, next.value) as Scalar),
        grads: tidy(() =>
          Object.fromEntries(
            Object.entries(previous.grads).map(([name, grad]) => [name, add(grad, next.grads[name] ?? 0)]),
          ),
        ),
      };
      disposePart(previous);
      disposePart(next);
    }
  } catch (error) {
    if (total) disposePart(total);
    dispose(probabilities);
    throw error;
  }
  if (total === null) throw new Error('an empty batch');
  return { ...total, probabilities };
}

/**
 * The batch's loss and gradients (a micro-batch at a time when asked), then the update. The loss
 * and a finiteness check of the gradients are read together (one read) before the gradients are
 * applied: a non-finite loss or gradient returns without touching the weights, so what was
 * trained stays usable.
 */
export function trainStep(context: StepContext, batch: Batch): StepResult {
  let lossValue = Number.NaN;
  let gradientsFinite = false;
  const { value, grads, probabilities } = batchGradients(context, batch);
  let correct = 0;
  try {
    tidy(() => {
      const [loss, gradientGuard] = stack([value, sum(finiteGuard(Object.values(grads)))]).dataSync();
      lossValue = loss ?? Number.NaN;
      gradientsFinite = gradientGuard === 0;
      if (Number.isFinite(lossValue) && gradientsFinite) applyScaled(context, grads);
    });
    let index = 0;
    for (const part of probabilities)
      for (const label of tidy(() => argMax(part, -1).dataSync())) {
        if (label === batch.labels[index]) correct++;
        index++;
      }
  } finally {
    disposePart({ value, grads });
    dispose(probabilities);
  }
  return { loss: lossValue, correct, gradientsFinite };
}
