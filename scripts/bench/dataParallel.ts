// Can the trainer use both cores? tfjs-backend-wasm runs one thread in Node, but a worker
// thread can run a second tfjs with its own wasm instance. This prototype trains data-parallel:
// each thread takes half of every batch of 64, the worker's gradients come over postMessage
// (transferred arrays), both threads apply the same averaged gradients with their own Adam, so
// the replicas stay equal (batch-norm statistics aside: each sees its half, as PyTorch DDP
// without SyncBatchNorm). It prints images/s of one thread at batch 64 (the trainer today) and
// of the two threads, per model.
//   node --import tsx scripts/bench/dataParallel.ts [--models seed-cnn,resnet-small] [--steps 20] [--rounds 3]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { Variable } from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import { buildClassifier } from '../../src/trainer/models/classifier';
import { SeededRandom } from '../../src/trainer/random';
import { BatchIterator } from '../../src/trainer/training/batches';
import { createOptimizer } from '../../src/trainer/training/optimizers';
import { applyAveraged, halfStep } from './dataParallelStep';
import type { Replica } from './dataParallelStep';
import type { FromWorker, ToWorker, WorkerSetup } from './dataParallelWorker';
import { selectModels } from './models';
import type { BenchModel } from './models';
import { median } from './stats';
import { syntheticSet } from './tfjsBench';
import { trainStep } from '../../src/trainer/training/trainStep';

const BATCH = 64;

function nextMessage(worker: Worker): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    worker.once('error', onError);
    worker.once('message', (message: FromWorker) => {
      worker.off('error', onError);
      resolve(message);
    });
  });
}

interface Measured {
  single: number;
  parallel: number;
  /** Per parallel step, ms: the main thread's half, waiting for the worker's, averaging + update. */
  halfMs: number;
  waitMs: number;
  applyMs: number;
}

async function measure(model: BenchModel, steps: number, rounds: number): Promise<Measured> {
  const { model: classifier } = buildClassifier(model.architecture, model.inputShape, 10, 0.3, new SeededRandom(1));
  const set = syntheticSet(model, BATCH * steps, 10, 2);
  const replica: Replica = {
    model: classifier,
    variables: classifier.trainableWeights.map((weight) => weight.read() as Variable),
    optimizer: createOptimizer('adam', 1e-3),
    set,
    classCount: 10,
  };

  // One thread, batch 64, the trainer's step.
  const context = {
    model: classifier,
    shape: model.inputShape,
    variables: replica.variables,
    classCount: 10,
    classWeights: null,
    optimizer: createOptimizer('adam', 1e-3),
  };
  const iterator = new BatchIterator(set, BATCH);
  const singleRates: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const started = performance.now();
    for (const batch of iterator.epoch(null)) trainStep(context, batch);
    if (round >= 0) singleRates.push(set.count / ((performance.now() - started) / 1000));
  }

  const setup: WorkerSetup = {
    model,
    images: set.count,
    weights: classifier.getWeights().map((weight) => weight.dataSync() as Float32Array),
  };
  // Node 20 loads a worker's .ts entry before `--import tsx` takes effect there, so the worker
  // starts from a line of JavaScript that registers tsx (CommonJS, as the bench runs) first.
  const entry = JSON.stringify(join(__dirname, 'dataParallelWorker.ts'));
  const worker = new Worker(`require('tsx/cjs'); require(${entry});`, { eval: true, workerData: setup });
  try {
    const ready = await nextMessage(worker);
    if (ready.type !== 'ready') throw new Error('worker did not start');
    const half = BATCH / 2;
    const parallelRates: number[] = [];
    const spent = { half: 0, wait: 0, apply: 0, steps: 0 };
    for (let round = -1; round < rounds; round++) {
      const started = performance.now();
      for (let start = 0; start < set.count; start += BATCH) {
        const fromWorker = nextMessage(worker);
        const request: ToWorker = { type: 'step', start: start + half, count: half };
        worker.postMessage(request);
        const t0 = performance.now();
        const ours = halfStep(replica, start, half);
        const t1 = performance.now();
        const theirs = await fromWorker;
        if (theirs.type !== 'grads') throw new Error('expected gradients');
        const t2 = performance.now();
        const apply: ToWorker = { type: 'apply', theirs: ours.grads };
        worker.postMessage(apply);
        applyAveraged(replica, ours.grads, theirs.grads);
        if (round >= 0) {
          spent.half += t1 - t0;
          spent.wait += t2 - t1;
          spent.apply += performance.now() - t2;
          spent.steps++;
        }
      }
      if (round >= 0) parallelRates.push(set.count / ((performance.now() - started) / 1000));
    }
    const per = (ms: number) => ms / Math.max(1, spent.steps);
    return {
      single: median(singleRates),
      parallel: median(parallelRates),
      halfMs: per(spent.half),
      waitMs: per(spent.wait),
      applyMs: per(spent.apply),
    };
  } finally {
    await worker.terminate();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: '' },
      steps: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
    },
  });
  await selectBackend('wasm', { log: () => undefined });
  for (const model of selectModels(values.models.split(',').filter((name) => name.length > 0))) {
    const m = await measure(model, Number(values.steps), Number(values.rounds));
    console.log(
      `${model.id.padEnd(24)} one thread ${m.single.toFixed(0).padStart(5)} images/s, two threads ${m.parallel.toFixed(0).padStart(5)} images/s: ×${(m.parallel / m.single).toFixed(2)} ` +
        `(per step: own half ${m.halfMs.toFixed(1)} ms, waiting ${m.waitMs.toFixed(1)} ms, average + update ${m.applyMs.toFixed(1)} ms)`,
    );
  }
  process.exit(0);
}

void main();
