// Coarse saliency maps → heatmaps the size of the image: bilinear upsampling (what Grad-CAM's
// authors do), then each map scaled to 0–255 by its own high end. SmoothGrad's maps are scaled
// by their 99th percentile, as in the paper, so a few extreme pixels do not wash out the rest.
import { resizeBilinear } from '../data/convertImages';
import type { CoarseMaps } from './gradCam';

export function toHeatmaps(maps: CoarseMaps, height: number, width: number, highQuantile: number): Uint8Array[] {
  const perMap = maps.height * maps.width;
  return Array.from({ length: maps.count }, (_, n) => {
    const coarse = maps.values.subarray(n * perMap, (n + 1) * perMap);
    const fine = resizeBilinear(coarse, 1, [maps.height, maps.width, 1], height, width);
    const high = quantile(fine, highQuantile);
    const out = new Uint8Array(height * width);
    if (high > 0) fine.forEach((value, i) => (out[i] = Math.round(255 * Math.min(1, Math.max(0, value / high)))));
    return out;
  });
}

/** The q-quantile (0–1) of the values; q = 1 is the maximum. */
export function quantile(values: Float32Array, q: number): number {
  if (values.length === 0) return 0;
  if (q >= 1) return values.reduce((a, b) => Math.max(a, b), -Infinity);
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? 0;
}
