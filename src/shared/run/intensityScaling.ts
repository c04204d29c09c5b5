// How a dataset's stored values became the model's 0..1 when they did not fill the range their
// type implies: 12-bit X-rays in uint16 arrays or 16-bit PNGs (divided by 65535 they would train
// at 6% brightness), float images holding 0–255 intensities. The trainer decides it from the
// data, and data-loaded carries it so that every view can say what was assumed and found.
import { z } from 'zod';

const rangeSchema = z.tuple([z.number(), z.number()]);

export const intensityScalingSchema = z.object({
  /** What the values are stored as: `uint16`, `float32`, `16-bit PNG`. */
  storedAs: z.string(),
  /** The range the storage type implies: 0..65535 for uint16, 0..1 for floats. */
  implied: rangeSchema,
  /** The smallest and largest value in the data (every split). */
  found: rangeSchema,
  /** The range that was mapped to 0..1 instead. */
  assumed: rangeSchema,
  /** Why: `12-bit data`, `0–255 intensities`. */
  reason: z.string(),
});
export type IntensityScaling = z.infer<typeof intensityScalingSchema>;

const number = (value: number): string =>
  Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
const range = ([low, high]: readonly [number, number]): string => `${number(low)}..${number(high)}`;

/**
 * One sentence: `16-bit PNG images hold values 0..4000: read as 12-bit data, 0..4095 → 0..1
 * (scaled from 0..65535, the full 16-bit PNG range, they would train at 6% brightness)`.
 */
export function intensityScalingText(scaling: IntensityScaling): string {
  const { implied, assumed } = scaling;
  const darker = assumed[1] < implied[1];
  return (
    `${scaling.storedAs} images hold values ${range(scaling.found)}: ` +
    `read as ${scaling.reason}, ${range(assumed)} → 0..1 ` +
    (darker
      ? `(scaled from ${range(implied)}, the full ${scaling.storedAs} range, ` +
        `they would train at ${Math.round((100 * assumed[1]) / implied[1])}% brightness)`
      : `(not ${range(implied)}, the range ${scaling.storedAs} images are otherwise taken to hold)`)
  );
}
