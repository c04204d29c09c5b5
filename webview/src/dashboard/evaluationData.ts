// What the Evaluation tab draws, picked from a run's evaluations: the curves of one class for both
// models, the reliability bins, and the numbers with their intervals. Pure: unit tested without a DOM.
import type { Calibration, ClinicalMetrics, Interval, PrCurve, RocCurve } from '../../../src/shared/run/metrics';
import type { RunState } from '../../../src/shared/run/runState';
import { formatDifference, MISSING } from '../common/viewFormat';

export type ModelName = 'fine-tuned' | 'scratch';
export const MODELS: readonly ModelName[] = ['fine-tuned', 'scratch'];

/** `0.869 [0.840, 0.896]`, the bare value without an interval, or `–`. */
export function formatInterval(
  interval: Interval | null | undefined,
  fallback: number | null = null,
  digits = 3,
): string {
  if (interval)
    return `${interval.estimate.toFixed(digits)} [${interval.low.toFixed(digits)}, ${interval.high.toFixed(digits)}]`;
  return fallback === null || !Number.isFinite(fallback) ? MISSING : fallback.toFixed(digits);
}

/** `+0.189 [+0.150, +0.230]` for differences. */
export function formatSignedInterval(
  interval: Interval | null | undefined,
  fallback: number | null = null,
  digits = 3,
): string {
  if (interval)
    return (
      `${formatDifference(interval.estimate, digits)} ` +
      `[${formatDifference(interval.low, digits)}, ${formatDifference(interval.high, digits)}]`
    );
  return formatDifference(fallback, digits);
}

export { formatP } from '../../../src/shared/run/pValue';

/** Classes that have curves: binary → the positive class only; more → each, one-vs-rest. */
export function curveClasses(state: Pick<RunState, 'evaluations'>): { index: number; name: string }[] {
  const metrics = state.evaluations['fine-tuned'] ?? state.evaluations.scratch;
  return (metrics?.roc ?? []).map((curve) => ({ index: curve.classIndex, name: curve.className }));
}

export interface ModelCurves {
  model: ModelName;
  roc: RocCurve | null;
  pr: PrCurve | null;
  calibration: Calibration | null;
  metrics: ClinicalMetrics;
}

/** Each evaluated model's curves for class `classIndex` (null where it has none). */
export function curvesFor(state: Pick<RunState, 'evaluations'>, classIndex: number): ModelCurves[] {
  return MODELS.flatMap((model) => {
    const metrics = state.evaluations[model];
    if (!metrics) return [];
    return [
      {
        model,
        roc: metrics.roc?.find((curve) => curve.classIndex === classIndex) ?? null,
        pr: metrics.pr?.find((curve) => curve.classIndex === classIndex) ?? null,
        calibration: metrics.calibration ?? null,
        metrics,
      },
    ];
  });
}

/** Whether a run has any of the new evaluation data (older runs do not). */
export function hasClinicalEvaluation(state: Pick<RunState, 'evaluations'>): boolean {
  return MODELS.some((model) => {
    const metrics = state.evaluations[model];
    return Boolean(metrics && (metrics.roc || metrics.intervals || metrics.calibration));
  });
}

/** The operating point on the ROC curve: (1 − specificity, sensitivity) at the chosen threshold. */
export function operatingPointXY(metrics: ClinicalMetrics): { x: number; y: number } | null {
  const point = metrics.operatingPoint;
  if (!point || point.sensitivity === null || point.specificity === null) return null;
  return { x: 1 - point.specificity, y: point.sensitivity };
}

export function ruleText(metrics: ClinicalMetrics): string {
  const point = metrics.operatingPoint;
  if (!point) return 'argmax';
  const how =
    point.rule === 'youden'
      ? 'Youden’s J'
      : point.rule === 'default'
        ? 'default 0.5'
        : `${point.rule} ≥ ${point.target ?? '?'}`;
  return `${how}${point.chosenOn === 'val' ? ' on validation' : ''}`;
}
