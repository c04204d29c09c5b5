// TensorBoard's scalar smoothing: an exponential moving average, debiased so the first points
// are not pulled towards zero. Nulls (missing values) stay null and do not move the average.
// https://github.com/tensorflow/tensorboard/blob/master/tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts

/** Largest weight the slider offers (1 would freeze the curve at its first value). */
export const MAX_SMOOTHING = 0.99;

export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(MAX_SMOOTHING, Math.max(0, weight));
  if (w === 0) return [...values];
  let average = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return null;
    average = average * w + (1 - w) * value;
    count += 1;
    return average / (1 - w ** count);
  });
}
