// The frozen part of a classifier computed once: its output for every training and validation
// image, kept for the phase (featureStore.ts), and the trainable part run on it. A phase that
// trains on these sees the same numbers as one that runs the whole model every step, because the
// frozen layers compute the same thing in training as in inference (frozenSplit.ts checks it).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, tidy } from '@tensorflow/tfjs-core';

import type { ImageSet } from '../data/dataset';
import { foldBatchNorms } from '../models/foldedBatchNorm';
import { runCalls } from '../models/layerGraph';
import { BatchIterator } from './batches';
import { DiskFeatureStore, MemoryFeatureStore } from './featureStore';
import type { FeatureStore } from './featureStore';
import type { FrozenSplit } from './frozenSplit';
import { StopRequested } from './stopSignal';
import type { StopSignal } from './stopSignal';
import type { StepModel } from './trainStep';

/** Features up to this size stay in memory; larger ones go to a file. MEDTRANSFER_FEATURE_CACHE_MB overrides it. */
export const FEATURE_MEMORY_BUDGET_BYTES = 1024 * 1024 * 1024;
export const FEATURE_MEMORY_BUDGET_ENV = 'MEDTRANSFER_FEATURE_CACHE_MB';

export interface CachedFeatures {
  split: FrozenSplit;
  train: FeatureStore;
  val: FeatureStore;
  /** The layers after the split, fed with a batch of cached features. */
  tail: StepModel;
  dispose(): void;
}

export interface FeatureCacheOptions {
  split: FrozenSplit;
  train: ImageSet;
  val: ImageSet;
  batchSize: number;
  /** Where the files of features go when they exceed the memory budget (the run's folder). */
  folder: string;
  stop: StopSignal;
  /** From featureStorage(). */
  where: 'memory' | 'disk';
}

/** One file per split, the same in every phase: a phase ends before the next starts. */
function featureFile(folder: string, split: 'train' | 'val'): string {
  return join(folder, `.frozen-features-${split}.f32`);
}

/** Removes what a killed run may have left (a phase removes its files when it ends). */
export function removeFeatureFiles(folder: string): void {
  for (const split of ['train', 'val'] as const) rmSync(featureFile(folder, split), { force: true });
}

export function featureMemoryBudget(): number {
  const text = process.env[FEATURE_MEMORY_BUDGET_ENV];
  const megabytes = text === undefined || text === '' ? Number.NaN : Number(text);
  return Number.isFinite(megabytes) && megabytes >= 0 ? megabytes * 1024 * 1024 : FEATURE_MEMORY_BUDGET_BYTES;
}

/** In memory when the features of `images` images fit the budget, else in files. */
export function featureStorage(split: FrozenSplit, images: number): 'memory' | 'disk' {
  return featureBytes(split, images) <= featureMemoryBudget() ? 'memory' : 'disk';
}

/** Bytes the features of `images` images take. */
export function featureBytes(split: FrozenSplit, images: number): number {
  return images * valuesPerImage(split) * Float32Array.BYTES_PER_ELEMENT;
}

function valuesPerImage(split: FrozenSplit): number {
  return split.featureShape.reduce((product, size) => product * size, 1);
}

export async function cacheFrozenFeatures(options: FeatureCacheOptions): Promise<CachedFeatures> {
  const { split } = options;
  const size = valuesPerImage(split);
  const store = (set: ImageSet, which: 'train' | 'val'): FeatureStore =>
    options.where === 'memory'
      ? new MemoryFeatureStore(set.count, size)
      : new DiskFeatureStore(featureFile(options.folder, which), set.count, size);
  const stores: FeatureStore[] = [];
  try {
    const train = store(options.train, 'train');
    stores.push(train);
    const val = store(options.val, 'val');
    stores.push(val);
    await computeInto(train, options.train, options);
    await computeInto(val, options.val, options);
    const { graph, boundary, features } = split;
    const tailRange = { from: boundary, to: graph.calls.length };
    return {
      split,
      train,
      val,
      tail: { apply: (inputs, kwargs) => runCalls(graph, tailRange, features, inputs, graph.output, kwargs.training) },
      dispose: () => stores.forEach((each) => each.dispose()),
    };
  } catch (error) {
    stores.forEach((each) => each.dispose());
    throw error;
  }
}

/** The frozen part in inference mode over the set's images in order, a batch at a time. */
async function computeInto(store: FeatureStore, set: ImageSet, options: FeatureCacheOptions): Promise<void> {
  const { graph, boundary, features } = options.split;
  const frozen = { from: 0, to: boundary };
  const folding = foldBatchNorms(graph, frozen);
  try {
    let start = 0;
    for (const batch of new BatchIterator(set, options.batchSize).epoch(null)) {
      if (options.stop.requested) throw new StopRequested(options.stop.why ?? 'requested');
      const values = tidy(() => {
        const images = tensor(batch.images, [batch.count, ...set.shape]);
        return runCalls(graph, frozen, graph.input, images, features, false, folding).dataSync();
      });
      store.write(start, values as Float32Array);
      start += batch.count;
      // Let a stop request through between batches, as training does.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    folding.dispose();
  }
}

/** Class probabilities from cached features (inference mode), N × K row-major, as predictProbabilities gives. */
export function predictFromFeatures(
  cache: CachedFeatures,
  store: FeatureStore,
  classCount: number,
  batchSize: number,
): Float32Array {
  const probabilities = new Float32Array(store.count * classCount);
  const buffer = new Float32Array(batchSize * store.size);
  const indices = new Int32Array(batchSize);
  const { graph, boundary, features } = cache.split;
  const tail = { from: boundary, to: graph.calls.length };
  const folding = foldBatchNorms(graph, tail);
  try {
    for (let start = 0; start < store.count; start += batchSize) {
      const count = Math.min(batchSize, store.count - start);
      for (let offset = 0; offset < count; offset++) indices[offset] = start + offset;
      store.gather(indices, count, buffer);
      const batch = tidy(() => {
        const input = tensor(buffer.subarray(0, count * store.size), [count, ...cache.split.featureShape]);
        return runCalls(graph, tail, features, input, graph.output, false, folding).dataSync();
      });
      probabilities.set(batch, start * classCount);
    }
  } finally {
    folding.dispose();
  }
  return probabilities;
}
