// The second replica of dataParallel.ts, in a worker thread with its own tfjs and wasm.
import { parentPort, workerData } from 'node:worker_threads';
import type { Variable } from '@tensorflow/tfjs-core';
import { tensor } from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import { buildClassifier } from '../../src/trainer/models/classifier';
import { SeededRandom } from '../../src/trainer/random';
import { createOptimizer } from '../../src/trainer/training/optimizers';
import { applyAveraged, halfStep } from './dataParallelStep';
import type { GradientArrays, Replica } from './dataParallelStep';
import type { BenchModel } from './models';
import { syntheticSet } from './tfjsBench';

export interface WorkerSetup {
  model: BenchModel;
  images: number;
  weights: Float32Array[];
}

export type ToWorker = { type: 'step'; start: number; count: number } | { type: 'apply'; theirs: GradientArrays };
export type FromWorker = { type: 'ready' } | { type: 'grads'; grads: GradientArrays; loss: number };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('dataParallelWorker.ts runs as a worker thread');
  const setup = workerData as WorkerSetup;
  await selectBackend('wasm', { log: () => undefined });
  const { model } = buildClassifier(setup.model.architecture, setup.model.inputShape, 10, 0.3, new SeededRandom(1));
  // The main thread's initial weights, so that the replicas start equal.
  model.setWeights(setup.weights.map((values, index) => tensor(values, model.weights[index]?.shape as number[])));
  const replica: Replica = {
    model,
    variables: model.trainableWeights.map((weight) => weight.read() as Variable),
    optimizer: createOptimizer('adam', 1e-3),
    set: syntheticSet(setup.model, setup.images, 10, 2),
    classCount: 10,
  };
  let ours: GradientArrays = [];
  port.on('message', (message: ToWorker) => {
    if (message.type === 'step') {
      const result = halfStep(replica, message.start, message.count);
      ours = result.grads;
      const reply: FromWorker = { type: 'grads', grads: result.grads, loss: result.loss };
      port.postMessage(reply);
    } else {
      applyAveraged(replica, ours, message.theirs);
    }
  });
  const ready: FromWorker = { type: 'ready' };
  port.postMessage(ready);
}

void main();
