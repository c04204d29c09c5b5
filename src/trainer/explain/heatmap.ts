// Coarse saliency maps → heatmaps the size of the image: bilinear upsampling (what Grad-CAM's
// authors do), then each map stretched to 0–255 between its own minimum and high end (a nearly
// flat map would otherwise be hot everywhere). SmoothGrad's high end is its 99th percentile, as
// in the paper, so a few extreme pixels do not wash out the rest.
import { resizeBilinear } from '../data/convertImages';
import type { CoarseMaps } from './gradCam';

export function toHeatmaps(maps: CoarseMaps, height: number, width: number, highQuantile: number): Uint8Array[] {
  const perMap = maps.height * maps.width;
  return Array.from({ length: maps.count }, (_, n) => {
    const coarse = maps.values.subarray(n * perMap, (n + 1) * perMap);
    const fine = resizeBilinear(coarse, 1, [maps.height, maps.width, 1], height, width);
    const low = quantile(fine, 0);
    const span = quantile(fine, highQuantile) - low;
    const out = new Uint8Array(height * width);
    if (span > 1e-12)
      fine.forEach((value, i) => (out[i] = Math.round(255 * Math.min(1, Math.max(0, (value - low) / span)))));
    return out;
  });
}

/** The q-quantile (0–1) of the values; q = 0 is the minimum, q = 1 the maximum. */
export function quantile(values: Float32Array, q: number): number {
  if (values.length === 0) return 0;
  if (q >= 1) return values.reduce((a, b) => Math.max(a, b), -Infinity);
  if (q <= 0) return values.reduce((a, b) => Math.min(a, b), Infinity);
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? 0;
}
