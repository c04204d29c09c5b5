// Timers put around the trainer's parts from outside, for pipelineShare.ts: nothing in
// src/trainer is edited. Each probe wraps a function that the trainer reaches through an object
// at run time (the tfjs engine, a class prototype), so the trainer's own calls go through it:
// - forward + backward (with the loss): the engine's `gradients`, which variableGrads calls;
// - the optimizer update: each optimizer class's applyGradients;
// - inference: LayersModel.apply outside `gradients` (validation, evaluation);
// - batching: BatchIterator's epoch generator (shuffle, copying images into the batch buffer);
// - event writing: the events.jsonl and log.txt sinks, which also stamp each event's time.
import { AdamOptimizer, MomentumOptimizer, RMSPropOptimizer, engine } from '@tensorflow/tfjs-core';
import type { Optimizer, Tensor } from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import type { TrainerEvent } from '../../src/shared/run/events';
import type { ProbeTotals } from './pipelineBreakdown';
import type { SeededRandom } from '../../src/trainer/random';
import { JsonlSink } from '../../src/trainer/run/jsonlSink';
import { LogSink } from '../../src/trainer/run/logSink';
import { BatchIterator } from '../../src/trainer/training/batches';
import type { Batch } from '../../src/trainer/training/batches';

export interface Probes {
  totals: ProbeTotals;
  /** Puts every wrapped function back. */
  uninstall: () => void;
}

/** The classes of createOptimizer's adam, sgd (momentum) and rmsprop; building one needs a backend. */
const OPTIMIZER_PROTOTYPES: readonly Optimizer[] = [
  AdamOptimizer.prototype,
  MomentumOptimizer.prototype,
  RMSPropOptimizer.prototype,
];

export function installProbes(): Probes {
  const totals: ProbeTotals = {
    forwardBackwardMs: 0,
    optimizerMs: 0,
    validationInferenceMs: 0,
    evaluationInferenceMs: 0,
    batchingMs: 0,
    writeMs: new WeakMap(),
    epochImages: [],
    marks: [],
  };
  const restore: (() => void)[] = [];
  let gradientDepth = 0;
  let applyDepth = 0;
  let evaluating = false;

  const tfEngine = engine();
  const gradients = tfEngine.gradients;
  tfEngine.gradients = function timedGradients<T extends Tensor>(
    f: () => T,
    xs: Tensor[],
    dy?: T,
    allowNoGradients?: boolean,
  ) {
    const started = performance.now();
    gradientDepth++;
    try {
      return gradients.call(tfEngine, f, xs, dy, allowNoGradients);
    } finally {
      gradientDepth--;
      if (gradientDepth === 0) totals.forwardBackwardMs += performance.now() - started;
    }
  } as typeof gradients;
  restore.push(() => {
    tfEngine.gradients = gradients;
  });

  for (const prototype of OPTIMIZER_PROTOTYPES) {
    const original = prototype.applyGradients;
    prototype.applyGradients = function timedApplyGradients(this: Optimizer, variableGradients) {
      const started = performance.now();
      try {
        original.call(this, variableGradients);
      } finally {
        totals.optimizerMs += performance.now() - started;
      }
    };
    restore.push(() => {
      prototype.applyGradients = original;
    });
  }

  const apply = LayersModel.prototype.apply;
  LayersModel.prototype.apply = function timedApply(this: LayersModel, ...args: Parameters<typeof apply>) {
    // Nested models (the classifier's `base`) and the forward pass inside gradients are not inference.
    if (gradientDepth > 0 || applyDepth > 0) return apply.apply(this, args);
    const started = performance.now();
    applyDepth++;
    try {
      return apply.apply(this, args);
    } finally {
      applyDepth--;
      const elapsed = performance.now() - started;
      if (evaluating) totals.evaluationInferenceMs += elapsed;
      else totals.validationInferenceMs += elapsed;
    }
  };
  restore.push(() => {
    LayersModel.prototype.apply = apply;
  });

  const epoch = BatchIterator.prototype.epoch;
  BatchIterator.prototype.epoch = function* timedEpoch(
    this: BatchIterator,
    random: SeededRandom | null,
  ): Generator<Batch> {
    const inner = epoch.call(this, random);
    let images = 0;
    for (;;) {
      const started = performance.now();
      const next = inner.next();
      totals.batchingMs += performance.now() - started;
      if (next.done) break;
      images += next.value.count;
      yield next.value;
    }
    totals.epochImages.push(images);
  };
  restore.push(() => {
    BatchIterator.prototype.epoch = epoch;
  });

  const timeWrites = (prototype: { write(event: TrainerEvent): void }, mark: boolean) => {
    const write = prototype.write;
    prototype.write = function timedWrite(this: unknown, event: TrainerEvent) {
      const started = performance.now();
      if (mark) {
        totals.marks.push({ event, at: started });
        if (event.type === 'phase-started' && event.phase === 'evaluate') evaluating = true;
      }
      try {
        write.call(this, event);
      } finally {
        totals.writeMs.set(event, (totals.writeMs.get(event) ?? 0) + performance.now() - started);
      }
    };
    restore.push(() => {
      prototype.write = write;
    });
  };
  timeWrites(JsonlSink.prototype, true);
  timeWrites(LogSink.prototype, false);

  return {
    totals,
    uninstall: () => restore.reverse().forEach((undo) => undo()),
  };
}
