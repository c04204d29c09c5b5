// Serves shuffled mini-batches from an ImageSet through buffers allocated once, so an epoch
// does no per-batch allocation in JavaScript beyond the tensors handed to the model. The images
// become float32 here, a batch at a time, from however compactly their store holds them.
import type { ImageSet } from '../data/dataset';
import type { SeededRandom } from '../random';

export interface Batch {
  /** count × H × W × C values (a view of a reused buffer: copy before keeping it). */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** Which images each batch of an epoch holds: what epoch() would serve, without copying an image. */
export interface BatchPositions {
  /** The images' indices in the set (a view of a reused buffer). */
  indices: Int32Array;
  labels: Int32Array;
  count: number;
}

export class BatchIterator {
  private readonly order: number[];
  private readonly imageBuffer: Float32Array;
  private readonly labelBuffer: Int32Array;
  private readonly indexBuffer: Int32Array;
  private readonly imageSize: number;

  constructor(
    private readonly set: ImageSet,
    readonly batchSize: number,
  ) {
    this.order = Array.from({ length: set.count }, (_, index) => index);
    this.imageSize = set.shape[0] * set.shape[1] * set.shape[2];
    this.imageBuffer = new Float32Array(batchSize * this.imageSize);
    this.labelBuffer = new Int32Array(batchSize);
    this.indexBuffer = new Int32Array(batchSize);
  }

  /**
   * The current order of the images. Each epoch shuffles the previous epoch's order, so a
   * checkpoint keeps it to continue the same sequence of batches.
   */
  snapshotOrder(): number[] {
    return [...this.order];
  }

  restoreOrder(order: readonly number[]): void {
    const isPermutation =
      order.length === this.set.count &&
      new Set(order).size === order.length &&
      order.every((index) => Number.isInteger(index) && index >= 0 && index < this.set.count);
    if (!isPermutation)
      throw new Error(
        `the checkpoint's batch order does not fit the ${this.set.count} training images: ` +
          'it does not belong to this data',
      );
    order.forEach((index, position) => (this.order[position] = index));
  }

  /**
   * The batches of epoch() as the images' indices, drawing the same shuffle from `random`, without
   * copying an image: training on cached features (frozenFeatures.ts) sees the batches that
   * training on the images would.
   */
  *positions(random: SeededRandom | null): Generator<BatchPositions> {
    const order = this.nextOrder(random);
    for (let start = 0; start < this.set.count; start += this.batchSize) {
      const count = Math.min(this.batchSize, this.set.count - start);
      for (let offset = 0; offset < count; offset++) {
        const index = order[start + offset] ?? 0;
        this.indexBuffer[offset] = index;
        this.labelBuffer[offset] = this.set.labels[index] ?? 0;
      }
      yield { indices: this.indexBuffer.subarray(0, count), labels: this.labelBuffer.subarray(0, count), count };
    }
  }

  /** Moves to the next epoch's order: `random`'s shuffle of the previous one, or the set's order when it is null. */
  private nextOrder(random: SeededRandom | null): readonly number[] {
    if (random) random.shuffle(this.order);
    else this.order.forEach((_, index) => (this.order[index] = index));
    return this.order;
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.set.count / this.batchSize);
  }

  /** Yields the epoch's batches in an order shuffled by `random` (in order when it is null). */
  *epoch(random: SeededRandom | null): Generator<Batch> {
    this.nextOrder(random);
    for (let start = 0; start < this.set.count; start += this.batchSize) {
      const count = Math.min(this.batchSize, this.set.count - start);
      for (let offset = 0; offset < count; offset++) {
        const index = this.order[start + offset] ?? 0;
        this.set.images.readInto(index, this.imageBuffer, offset * this.imageSize);
        this.labelBuffer[offset] = this.set.labels[index] ?? 0;
      }
      yield {
        images: this.imageBuffer.subarray(0, count * this.imageSize),
        labels: this.labelBuffer.subarray(0, count),
        count,
      };
    }
  }
}

/** Keras's `class_weight='balanced'`: n_samples / (n_classes × count of the class). */
export function balancedClassWeights(labels: Int32Array, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts.map((count) => (count === 0 ? 0 : labels.length / (classCount * count)));
}
