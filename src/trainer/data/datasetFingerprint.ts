// What a model trained on a dataset actually saw, as one hash: every split's shape, labels and
// stored pixel values, and the class names. Two datasets with the same fingerprint train the same
// model whatever files they came from; any changed pixel or label gives a new one.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { ImageSet, PreparedDataset } from './dataset';
import { newPixelArray, valuesPerImage } from './imageStore';

/** sha256 (hex) of the classes and of the train and validation splits (what training reads). */
export function trainingFingerprint(dataset: PreparedDataset): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ classes: dataset.classes }));
  for (const [name, set] of [
    ['train', dataset.train],
    ['val', dataset.val],
  ] as const) {
    hash.update(`\n${name}:`);
    hashImageSet(hash, set);
  }
  return hash.digest('hex');
}

function hashImageSet(hash: Hash, set: ImageSet): void {
  const { images } = set;
  hash.update(
    JSON.stringify({ count: set.count, shape: set.shape, pixelType: images.pixelType, divisor: images.divisor }),
  );
  hash.update(bytesOf(set.labels));
  if (set.groups) hash.update(bytesOf(set.groups));
  // A batch of images at a time: a streamed store is read once, never held whole.
  const perImage = valuesPerImage(set.shape);
  const batch = Math.max(1, Math.floor((8 << 20) / (perImage * 4)));
  const buffer = newPixelArray(images.pixelType, batch * perImage);
  for (let start = 0; start < set.count; start += batch) {
    const count = Math.min(batch, set.count - start);
    for (let i = 0; i < count; i++) images.readStored(start + i, buffer, i * perImage);
    hash.update(bytesOf(buffer.subarray(0, count * perImage)));
  }
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
