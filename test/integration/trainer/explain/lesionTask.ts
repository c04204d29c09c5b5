// A task where the evidence is known to the pixel: "lesion" images carry one bright disk at a
// random place on noisy, unevenly lit tissue; "normal" images have none. A model that learned
// the task must look at the disk, so its saliency maps can be checked against the disk's mask.
import { SeededRandom } from '../../../../src/trainer/random';

export const LESION_SIZE = 32;
const RADIUS = 3;
/** The region counted as the lesion: the disk and a 2-pixel rim (the maps are smooth). */
const MASK_RADIUS = RADIUS + 2;

export interface LesionSet {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  shape: [number, number, number];
  /** Per image, the lesion mask (all false for normal images). */
  masks: Uint8Array[];
}

export function lesionTask(count: number, seed: number): LesionSet {
  const random = new SeededRandom(seed);
  const size = LESION_SIZE;
  const images = new Float32Array(count * size * size);
  const labels = new Int32Array(count);
  const masks: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    labels[n] = label;
    const mask = new Uint8Array(size * size);
    const cx = random.uniform(7, size - 7);
    const cy = random.uniform(7, size - 7);
    const tiltX = random.uniform(-0.006, 0.006);
    const tiltY = random.uniform(-0.006, 0.006);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        let value = 0.4 + tiltX * (x - size / 2) + tiltY * (y - size / 2) + 0.08 * random.normal();
        const distance = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        if (label === 1 && distance <= RADIUS) value += 0.35;
        if (label === 1 && distance <= MASK_RADIUS) mask[i] = 1;
        images[n * size * size + i] = Math.min(1, Math.max(0, value));
      }
    }
    masks.push(mask);
  }
  return { images, labels, count, shape: [size, size, 1], masks };
}

/** Mean heat inside the mask divided by the mean heat outside it. */
export function insideOutsideRatio(heatmap: Uint8Array, mask: Uint8Array): number {
  let inside = 0;
  let insideCount = 0;
  let outside = 0;
  heatmap.forEach((value, i) => {
    if (mask[i]) {
      inside += value;
      insideCount++;
    } else {
      outside += value;
    }
  });
  const outsideMean = outside / Math.max(1, heatmap.length - insideCount);
  return inside / Math.max(1, insideCount) / Math.max(outsideMean, 1e-6);
}
