// What the label-efficiency chart draws, from a study's analysis: per model the measured points
// (mean over seeds with the 95% interval, at the labels per class the runs had), the fitted
// inverse power law (1 − metric = a·n^(−b) + c) on a log-spaced grid, the goal and the crossover.
// Pure: unit tested without a DOM.
import type { CurveFit, SeriesAnalysis, StudyAnalysis, StudyModel } from '../../../src/shared/study/studyAnalysis';
import { STUDY_MODELS } from '../../../src/shared/study/studyAnalysis';

export interface MeasuredPoint {
  /** The point's id in the study (`p1`). */
  point: string;
  labelsPerClass: number;
  mean: number;
  low: number;
  high: number;
  /** Seeds that gave a value. */
  n: number;
}

export interface ModelCurve {
  model: StudyModel;
  points: MeasuredPoint[];
  /** The fitted curve at `grid`; null where the model has no fit. */
  fitted: (number | null)[] | null;
  fit: CurveFit | null;
}

export interface LabelEfficiencyData {
  metric: StudyAnalysis['metric'];
  series: SeriesAnalysis;
  /** Log-spaced label counts the fitted curves are drawn at, covering the measured points. */
  grid: number[];
  models: ModelCurve[];
  goal: number | null;
  crossover: number | null;
}

export const METRIC_LABELS: Readonly<Record<StudyAnalysis['metric'], string>> = {
  auc: 'AUC',
  balancedAccuracy: 'Balanced accuracy',
  sensitivity: 'Sensitivity',
  specificity: 'Specificity',
};

export const MODEL_LABELS: Readonly<Record<StudyModel, string>> = { 'fine-tuned': 'Fine-tuned', scratch: 'Scratch' };

/** The metric the fitted curve gives at n labels per class. */
export function fittedValue(fit: Pick<CurveFit, 'a' | 'b' | 'c'>, labelsPerClass: number): number {
  return 1 - (fit.a * labelsPerClass ** -fit.b + fit.c);
}

/** `count` label counts evenly spaced on a log axis from `min` to `max` (both included). */
export function logGrid(min: number, max: number, count: number): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  if (max === min || count < 2) return [min];
  const step = Math.log(max / min) / (count - 1);
  return Array.from({ length: count }, (_, index) => (index === count - 1 ? max : min * Math.exp(step * index)));
}

const GRID_POINTS = 60;

/** The chart of one series (one combination of the other varied keys); null when it has no label counts. */
export function labelEfficiencyData(analysis: StudyAnalysis, seriesIndex = 0): LabelEfficiencyData | null {
  const series = analysis.series[seriesIndex];
  if (!series) return null;
  const byId = new Map(analysis.points.map((point) => [point.point, point]));
  const models = STUDY_MODELS.map((model) => {
    const points = series.points.flatMap((id): MeasuredPoint[] => {
      const point = byId.get(id);
      const value = point?.models[model]?.[analysis.metric];
      if (!point || !value || point.labelsPerClass === null || !(point.labelsPerClass > 0)) return [];
      return [
        {
          point: id,
          labelsPerClass: point.labelsPerClass,
          mean: value.mean,
          low: value.low,
          high: value.high,
          n: value.n,
        },
      ];
    });
    return { model, points, fit: series.fits[model] };
  });
  const counts = [
    ...models.flatMap((model) => model.points.map((point) => point.labelsPerClass)),
    ...models.flatMap((model) => model.fit?.points.map((point) => point.labelsPerClass) ?? []),
  ].filter((count) => count > 0);
  if (counts.length === 0) return null;
  const grid = logGrid(Math.min(...counts), Math.max(...counts), GRID_POINTS);
  const goal = analysis.goal && analysis.goal.metric === analysis.metric ? analysis.goal.value : null;
  return {
    metric: analysis.metric,
    series,
    grid,
    models: models.map((model) => ({
      ...model,
      fitted: model.fit ? grid.map((n) => clampRatio(fittedValue(model.fit as CurveFit, n))) : null,
    })),
    goal,
    crossover: series.crossover,
  };
}

function clampRatio(value: number): number | null {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null;
}

/** The x range (labels per class): the measured counts with a margin on the log axis. */
export function labelRange(data: LabelEfficiencyData): [number, number] {
  const first = data.grid[0] ?? 1;
  const last = data.grid[data.grid.length - 1] ?? first;
  return [first / 1.25, last * 1.25];
}

/** The y range that shows every point, interval, fitted value and the goal, within [0, 1]. */
export function valueRange(data: LabelEfficiencyData): [number, number] {
  const values = [
    ...data.models.flatMap((model) => model.points.flatMap((point) => [point.low, point.high])),
    ...data.models.flatMap((model) => (model.fitted ?? []).filter((value): value is number => value !== null)),
    ...(data.goal === null ? [] : [data.goal]),
  ];
  if (values.length === 0) return [0, 1];
  const low = Math.max(0, Math.floor((Math.min(...values) - 0.02) * 20) / 20);
  const high = Math.min(1, Math.ceil((Math.max(...values) + 0.02) * 20) / 20);
  return [low, Math.max(high, low + 0.05)];
}

/**
 * `Fine-tuned reaches AUC 0.90 with about 12 labels per class [8, 19].`, with `beyond the data
 * (> 80)` or `below the data (< 5)` when that is an extrapolation, or `Scratch does not reach AUC 0.90: its curve levels off
 * below it.`
 */
export function goalSentence(
  model: string,
  goal: string,
  fit: CurveFit | null,
  largest: number | null,
  smallest: number | null = null,
): string {
  const toGoal = fit?.toGoal;
  if (!toGoal) return `${model}: no fitted curve to read the labels for ${goal} from.`;
  if (toGoal.estimate === null) return `${model} does not reach ${goal}: its curve levels off below it.`;
  const interval =
    toGoal.low !== null && toGoal.high !== null
      ? ` [${formatLabelCount(toGoal.low)}, ${formatLabelCount(toGoal.high)}]`
      : '';
  const beyond = toGoal.beyondData
    ? `, beyond the data${largest === null ? '' : ` (> ${formatLabelCount(largest)})`}`
    : smallest !== null && toGoal.estimate < smallest
      ? `, below the data (< ${formatLabelCount(smallest)})`
      : '';
  return `${model} reaches ${goal} with about ${formatLabelCount(toGoal.estimate)} labels per class${interval}${beyond}.`;
}

export function formatLabelCount(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? String(Math.round(value)) : value >= 10 ? value.toFixed(0) : value.toFixed(1);
}
