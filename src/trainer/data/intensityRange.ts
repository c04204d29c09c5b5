// What range stored values are taken to span, decided once per dataset (never per image, which
// would brighten dark images and darken bright ones): the type's own range, unless the data
// evidently uses less of it. A uint16 array or 16-bit PNG whose values never pass 4095 holds
// 12-bit data, as X-ray detectors and DICOM exports write it; float images above 1 and at most
// 255 hold 0–255 intensities.
import type { IntensityScaling } from '../../shared/run/intensityScaling';

/** Bit depths below 16 that medical images are stored with (detectors give 10, 12 or 14 bits). */
const STORED_BITS = [8, 10, 12, 14];

/**
 * The smallest and largest finite value of `values`, widening `into` ([Infinity, -Infinity] when
 * there is none). NaN and ±Infinity are left to the finiteness check, which names the image.
 */
export function finiteRange(
  values: ArrayLike<number>,
  into: [number, number] = [Infinity, -Infinity],
): [number, number] {
  let [low, high] = into;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? 0;
    if (value - value !== 0) continue;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return [low, high];
}

export interface Scale {
  /** Stored value ÷ divisor → 0..1. */
  divisor: number;
  /** Set when the divisor is not the type's own range: what was assumed and found. */
  scaling: IntensityScaling | null;
}

/**
 * Unsigned integers of `bits` bits whose values span `found`: divided by the largest value of the
 * fewest common bits that hold them (12-bit data by 4095), else by the type's range.
 */
export function integerScale(storedAs: string, bits: number, found: [number, number]): Scale {
  const full = 2 ** bits - 1;
  const stored =
    found[1] > 0 ? STORED_BITS.find((candidate) => candidate < bits && found[1] <= 2 ** candidate - 1) : undefined;
  if (stored === undefined) return { divisor: full, scaling: null };
  const divisor = 2 ** stored - 1;
  return {
    divisor,
    scaling: { storedAs, implied: [0, full], found, assumed: [0, divisor], reason: `${stored}-bit data` },
  };
}

/**
 * Float images: 0..1 as they are; above 1 and at most 255, 0–255 intensities; anything else has no
 * evident scale (null: the caller refuses it and says what it found).
 */
export function floatScale(storedAs: string, found: [number, number]): Scale | null {
  const [low, high] = found;
  if (low < 0 || high > 255) return null;
  if (high <= 1) return { divisor: 1, scaling: null };
  return {
    divisor: 255,
    scaling: { storedAs, implied: [0, 1], found, assumed: [0, 255], reason: '0–255 intensities' },
  };
}
