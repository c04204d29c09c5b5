// From rescaled DICOM values (Hounsfield units for CT, arbitrary for X-ray) to [0, 1] model
// input, the way a viewer shows them: a window centre/width (PS3.3 C.11.2.1.2, linear), else
// the image's own min–max; MONOCHROME1 (bright = low values, common in CR/DX) is inverted so
// every image has bright = dense.
import type { IntensityWindow } from '../../../shared/experiment/schema';

export function applyWindow(values: Float32Array, window: IntensityWindow | undefined, invert: boolean): Float32Array {
  let low: number;
  let high: number;
  if (window) {
    low = window.center - window.width / 2;
    high = window.center + window.width / 2;
  } else {
    low = Infinity;
    high = -Infinity;
    for (const value of values) {
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  // A flat image (all one value) maps to 0 rather than dividing by zero.
  const scale = high > low ? 1 / (high - low) : 0;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(1, Math.max(0, ((values[i] ?? 0) - low) * scale));
    out[i] = invert ? 1 - v : v;
  }
  return out;
}
