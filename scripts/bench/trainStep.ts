// The trainer's training step, reproduced line for line: `trainStep` in
// src/trainer/training/trainPhase.ts is not exported. Keep the two in step: variableGrads over
// the softmax output's clipped log cross-entropy (class weights optional), applyGradients, then
// the loss and the argmax read back to JavaScript.
import { argMax, clipByValue, gather, keep, log, mean, mul, neg, oneHot, sum, tensor1d, tensor4d, tidy, variableGrads } from '@tensorflow/tfjs-core';
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageShape } from '../../src/trainer/data/dataset';
import type { Batch } from '../../src/trainer/training/batches';

export interface StepContext {
  model: LayersModel;
  shape: ImageShape;
  variables: Variable[];
  classCount: number;
  classWeights: Tensor | null;
  optimizer: Optimizer;
}

export function trainStep(context: StepContext, batch: Batch): { loss: number; correct: number } {
  const { classWeights } = context;
  const kept: { probabilities?: Tensor } = {};
  const loss = tidy(() => {
    const images = tensor4d(batch.images, [batch.count, ...context.shape]);
    const labels = tensor1d(batch.labels, 'int32');
    const targets = oneHot(labels, context.classCount);
    const { value, grads } = variableGrads(() => {
      const output = context.model.apply(images, { training: true }) as Tensor;
      kept.probabilities = keep(output);
      const perImage = neg(sum(mul(targets, log(clipByValue(output, 1e-7, 1 - 1e-7))), -1));
      const weighted = classWeights ? mul(perImage, gather(classWeights, labels)) : perImage;
      return mean(weighted) as Scalar;
    }, context.variables);
    context.optimizer.applyGradients(grads);
    return value;
  });
  const lossValue = loss.dataSync()[0] ?? Number.NaN;
  loss.dispose();
  const output = kept.probabilities;
  const predicted = output ? tidy(() => argMax(output, -1).dataSync()) : new Int32Array();
  output?.dispose();
  let correct = 0;
  predicted.forEach((label: number, index: number) => {
    if (label === batch.labels[index]) correct++;
  });
  return { loss: lossValue, correct };
}
