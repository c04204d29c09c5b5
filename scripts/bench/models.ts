// The models the bench times, and the protocol both sides (tfjs and PyTorch) follow. The
// PyTorch script reads the same protocol from its command line, so the two cannot drift apart.
import type { Architecture } from '../../src/shared/experiment/schema';
import type { ImageShape } from '../../src/trainer/data/dataset';
import type { RowProtocol } from './results';

export interface BenchModel {
  /** Command-line and table name, e.g. `seed-cnn-32x32x3`. */
  id: string;
  architecture: Architecture;
  inputShape: ImageShape;
  /** torchvision's backbones at 128–224 px take seconds a batch: smaller epochs (protocolFor). */
  large: boolean;
  /** A large model's training batch, both sides (32 unless the model's training step needs less). */
  batchSize?: number;
  /**
   * Plain `wasm` computes each batch this many images at a time (training.microBatchSize: the same
   * update, batch norm's statistics per part), where its composed kernels keep more memory an image
   * than the wasm heap holds at the full batch.
   */
  wasmMicroBatchSize?: number;
}

function model(architecture: Architecture, inputShape: ImageShape, large = false, batchSize?: number): BenchModel {
  const id = `${architecture}-${inputShape.join('x')}`;
  return batchSize === undefined
    ? { id, architecture, inputShape, large }
    : { id, architecture, inputShape, large, batchSize };
}

/**
 * Issue 5's list (the seed CNN at CIFAR and MNIST sizes, the two BatchNorm models at 32×32×3),
 * then issue 14's: torchvision's ResNet-18 at 128 px and MobileNetV2 at 224 px, as users fine-tune them.
 */
export const BENCH_MODELS: readonly BenchModel[] = [
  model('seed-cnn', [32, 32, 3]),
  model('seed-cnn', [28, 28, 1]),
  model('resnet-small', [32, 32, 3]),
  model('mobilenet-small', [32, 32, 3]),
  model('resnet18', [128, 128, 3], true),
  // Batch 32 fits the wasm heap at 224 px since a step frees what its gradients do not read
  // (releasingModel.ts, leanGradients.ts): ~112 MiB an image at the peak on native, 3.5 GiB in all;
  // plain wasm (batch norm and ReLU6 composed of tfjs ops) overflows it, so it computes 8 at a time.
  { ...model('mobilenetv2', [224, 224, 3], true), wasmMicroBatchSize: 8 },
];

export interface Protocol {
  batchSize: number;
  /** Synthetic training set size: one epoch is this many images (the last batch may be short). */
  imagesPerEpoch: number;
  /** Untimed epochs first (kernel set-up, wasm heap growth, PyTorch's allocator warming up). */
  warmupEpochs: number;
  /** Timed epochs; the row reports their median. */
  timedEpochs: number;
  /** Inference batch: the trainer's validation and evaluation use max(batchSize, 128). */
  inferenceBatchSize: number;
  /** Untimed + timed inference passes over the same images. */
  inferenceWarmup: number;
  inferenceTimed: number;
  classCount: number;
  /** Head dropout, as in the schema's default. */
  dropout: number;
  learningRate: number;
  /**
   * Wall-clock budget of one row. A backend so slow that the protocol would not fit (tfjs `cpu`)
   * times fewer images per epoch instead; the row then says how many it timed.
   */
  budgetSeconds: number;
}

export const FULL_PROTOCOL: Protocol = {
  batchSize: 64,
  imagesPerEpoch: 1280,
  warmupEpochs: 1,
  timedEpochs: 5,
  inferenceBatchSize: 128,
  inferenceWarmup: 1,
  inferenceTimed: 5,
  classCount: 10,
  dropout: 0.3,
  learningRate: 1e-3,
  budgetSeconds: 90,
};

export const QUICK_PROTOCOL: Protocol = {
  ...FULL_PROTOCOL,
  imagesPerEpoch: 256,
  timedEpochs: 3,
  inferenceTimed: 3,
  budgetSeconds: 12,
};

/**
 * The protocol of a large model: batch 32 (fine-tuning at 224 px rarely fits more on a laptop) or
 * the model's own, an epoch of 128 images, so that PyTorch's row (which times whole epochs) ends in
 * minutes too.
 */
export function protocolFor(benchModel: BenchModel, protocol: Protocol): Protocol {
  if (!benchModel.large) return protocol;
  return {
    ...protocol,
    batchSize: benchModel.batchSize ?? 32,
    imagesPerEpoch: Math.min(protocol.imagesPerEpoch, 128),
    timedEpochs: Math.min(protocol.timedEpochs, 3),
    inferenceBatchSize: 64,
    inferenceTimed: Math.min(protocol.inferenceTimed, 3),
    budgetSeconds: protocol.budgetSeconds * 3,
  };
}

/** Models whose id starts with one of the patterns (`seed-cnn` picks both sizes); all when none. */
export function selectModels(patterns: readonly string[]): BenchModel[] {
  if (patterns.length === 0) return [...BENCH_MODELS];
  const chosen = BENCH_MODELS.filter((candidate) => patterns.some((pattern) => candidate.id.startsWith(pattern)));
  const unknown = patterns.filter((pattern) => !BENCH_MODELS.some((candidate) => candidate.id.startsWith(pattern)));
  if (unknown.length > 0)
    throw new Error(`unknown model ${unknown.join(', ')}; known: ${BENCH_MODELS.map((m) => m.id).join(', ')}`);
  return chosen;
}

/**
 * How many images an epoch can have so that warm-up and timed epochs fit the budget, given the
 * time of one step: the protocol's own size when it fits, else fewer whole batches (at least one).
 */
export function fitEpoch(protocol: Protocol, stepSeconds: number): RowProtocol {
  const batches = Math.ceil(protocol.imagesPerEpoch / protocol.batchSize);
  const epochs = protocol.warmupEpochs + protocol.timedEpochs;
  const affordable = Math.floor(protocol.budgetSeconds / Math.max(stepSeconds, 1e-6) / epochs);
  if (affordable >= batches)
    return {
      imagesPerEpoch: protocol.imagesPerEpoch,
      warmupEpochs: protocol.warmupEpochs,
      timedEpochs: protocol.timedEpochs,
      reduced: false,
    };
  // Too slow even for one batch per epoch: no warm-up beyond the two first steps, and one to
  // three timed single-batch epochs, as many as the budget holds.
  if (affordable < 1) {
    const timedEpochs = Math.max(
      1,
      Math.min(3, protocol.timedEpochs, Math.floor(protocol.budgetSeconds / Math.max(stepSeconds, 1e-6))),
    );
    return { imagesPerEpoch: protocol.batchSize, warmupEpochs: 0, timedEpochs, reduced: true };
  }
  return {
    imagesPerEpoch: affordable * protocol.batchSize,
    warmupEpochs: protocol.warmupEpochs,
    timedEpochs: protocol.timedEpochs,
    reduced: true,
  };
}
