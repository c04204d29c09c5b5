// A study's analysis from its runs' metrics: per point and model the mean over seeds with its
// interval (seedInterval.ts), the gain, DeLong's p per seed; and when the label count varies, per
// series (each combination of the other varied keys) an inverse power law per model
// (powerLawFit.ts), the labels to the goal, the label-saving factor and the crossover. Pure: the
// CLI runs it on the run folders after every run, the extension can run it on what it has read.
import type { ClinicalMetrics, Interval, ModelComparison } from '../../run/metrics';
import type { MetricsFile } from '../../run/metricsFile';
import { STUDY_MODELS } from '../studyAnalysis';
import type {
  CurveFit,
  MetricSummary,
  PointAnalysis,
  SeriesAnalysis,
  StudyAnalysis,
  StudyModel,
} from '../studyAnalysis';
import { labelCountPath, pointLabel } from '../studyPoints';
import type { StudyPoint } from '../studyPoints';
import type { GoalMetric, VaryValue } from '../studySchema';
import { labelsToGoal } from './labelsToGoal';
import { fitPowerLaw, powerLawValue } from './powerLawFit';
import { combineSeeds } from './seedInterval';
import type { SeedValue } from './seedInterval';
import { studyMethods } from './studyMethods';

export interface StudyRunResult {
  point: string;
  seed: number;
  /** Training labels per class the run had (its data-loaded event); null when unknown. */
  labelsPerClass: number | null;
  /** metrics.json of a completed run; null for any other. */
  metrics: MetricsFile | null;
}

export interface StudyDesign {
  points: readonly StudyPoint[];
  seeds: readonly number[];
  /** The varied keys, in the study file's order. */
  varied: readonly string[];
  goal: { metric: GoalMetric; value: number } | null;
}

const METRICS = ['auc', 'balancedAccuracy', 'sensitivity', 'specificity'] as const;

export function analyzeStudy(design: StudyDesign, results: readonly StudyRunResult[], level = 0.95): StudyAnalysis {
  const metric: GoalMetric = design.goal?.metric ?? 'auc';
  const points = design.points.map((point) => analyzePoint(point, design.seeds, results, level));
  const labelPath = labelCountPath(Object.fromEntries(design.varied.map((path) => [path, []])));
  const series = labelPath === null ? [] : analyzeSeries(design, labelPath, points, results, metric, level);
  const fitted = series.some((one) => one.fits['fine-tuned'] !== null || one.fits.scratch !== null);
  return {
    metric,
    level,
    labelCountPath: labelPath,
    goal: design.goal,
    points,
    series,
    methods: studyMethods({
      seeds: design.seeds.length,
      level,
      metric,
      curves: labelPath !== null,
      fitted,
      goal: design.goal,
    }),
  };
}

function analyzePoint(
  point: StudyPoint,
  seeds: readonly number[],
  results: readonly StudyRunResult[],
  level: number,
): PointAnalysis {
  const bySeed = seeds.map(
    (seed) => results.find((result) => result.point === point.id && result.seed === seed) ?? null,
  );
  const completed = bySeed.filter((result) => result?.metrics?.status === 'completed');
  const metricsOf = (result: StudyRunResult | null) =>
    result?.metrics?.status === 'completed' ? result.metrics : null;
  const models = Object.fromEntries(
    STUDY_MODELS.map((model) => [
      model,
      summarize(
        bySeed.map((result) => modelValues(metricsOf(result)?.models[model] ?? null)),
        level,
        [0, 1],
      ),
    ]),
  ) as PointAnalysis['models'];
  const gain = summarize(
    bySeed.map((result) => gainValues(metricsOf(result))),
    level,
    [-1, 1],
  );
  const labels = completed.flatMap((result) => (result?.labelsPerClass == null ? [] : [result.labelsPerClass]));
  return {
    point: point.id,
    labelsPerClass: labels.length > 0 ? labels.reduce((sum, n) => sum + n, 0) / labels.length : declaredLabels(point),
    completed: completed.length,
    models,
    gain,
    delongP: bySeed.map((result) => metricsOf(result)?.comparison?.delong?.pValue ?? null),
  };
}

/** The label count the study file gives, when no run has said how many it had. */
function declaredLabels(point: StudyPoint): number | null {
  const value = point.values['target.labelsPerClass'];
  return typeof value === 'number' ? value : null;
}

type MetricValues = Record<(typeof METRICS)[number], SeedValue> | null;

function summarize(perSeed: readonly MetricValues[], level: number, bounds: [number, number]): MetricSummary | null {
  if (perSeed.every((values) => values === null)) return null;
  const summary = {} as MetricSummary;
  for (const name of METRICS)
    summary[name] = combineSeeds(
      perSeed.map((values) => values?.[name] ?? { value: null, interval: null }),
      level,
      bounds,
    );
  return summary;
}

/** A model's headline metrics; sensitivity, specificity, balanced accuracy at its operating point where it has one. */
function modelValues(metrics: ClinicalMetrics | null): MetricValues {
  if (metrics === null) return null;
  const intervals = metrics.intervals;
  const bootstrapLevel = intervals?.bootstrap.level ?? 0.95;
  const at = (value: number | null | undefined, interval: Interval | null | undefined): SeedValue => ({
    value: value ?? null,
    interval: interval ? { low: interval.low, high: interval.high, level: bootstrapLevel } : null,
  });
  const operating = metrics.operatingPoint;
  return {
    auc: at(metrics.auc, intervals?.auc),
    balancedAccuracy: at(operating?.balancedAccuracy ?? metrics.balancedAccuracy, intervals?.balancedAccuracy),
    sensitivity: at(operating?.sensitivity ?? metrics.sensitivity, intervals?.sensitivity),
    specificity: at(operating?.specificity ?? metrics.specificity, intervals?.specificity),
  };
}

/** Fine-tuned minus scratch per seed: the run's paired-bootstrap gain, else the difference without an interval. */
function gainValues(metrics: MetricsFile | null): MetricValues {
  if (metrics === null) return null;
  const comparison: ModelComparison | null = metrics.comparison ?? null;
  const fineTuned = modelValues(metrics.models['fine-tuned'] ?? null);
  const scratch = modelValues(metrics.models.scratch ?? null);
  if (fineTuned === null || scratch === null) return null;
  const bootstrapLevel = comparison?.bootstrap?.level ?? 0.95;
  const one = (name: (typeof METRICS)[number]): SeedValue => {
    const paired = comparison?.gain[name];
    if (paired)
      return { value: paired.estimate, interval: { low: paired.low, high: paired.high, level: bootstrapLevel } };
    const [a, b] = [fineTuned[name].value, scratch[name].value];
    return { value: a === null || b === null ? null : a - b, interval: null };
  };
  return {
    auc: one('auc'),
    balancedAccuracy: one('balancedAccuracy'),
    sensitivity: one('sensitivity'),
    specificity: one('specificity'),
  };
}

function analyzeSeries(
  design: StudyDesign,
  labelPath: string,
  points: readonly PointAnalysis[],
  results: readonly StudyRunResult[],
  metric: GoalMetric,
  level: number,
): SeriesAnalysis[] {
  const others = design.varied.filter((path) => path !== labelPath);
  const groups = new Map<string, { values: Record<string, VaryValue>; points: StudyPoint[] }>();
  for (const point of design.points) {
    const values = Object.fromEntries(others.map((path) => [path, point.values[path] ?? '']));
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? { values, points: [] };
    group.points.push(point);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => {
    const analysed = group.points
      .map((point) => points.find((one) => one.point === point.id))
      .filter((one): one is PointAnalysis => one !== undefined)
      .sort((a, b) => (a.labelsPerClass ?? Infinity) - (b.labelsPerClass ?? Infinity));
    const ids = new Set(analysed.map((one) => one.point));
    const labelsOf = new Map(analysed.map((one) => [one.point, one.labelsPerClass]));
    const largestN = Math.max(0, ...analysed.map((one) => one.labelsPerClass ?? 0));
    const fits = Object.fromEntries(
      STUDY_MODELS.map((model) => [
        model,
        fitModel(
          model,
          results.filter((result) => ids.has(result.point)),
          labelsOf,
          metric,
          design.goal,
          largestN,
          level,
        ),
      ]),
    ) as SeriesAnalysis['fits'];
    const { crossover, crossoverNote } = findCrossover(analysed, metric);
    return {
      label: others.length > 0 ? pointLabel(group.values) : '',
      points: analysed.map((one) => one.point),
      fits,
      savingFactor: savingFactor(fits, largestN),
      crossover,
      crossoverNote,
    };
  });
}

function fitModel(
  model: StudyModel,
  results: readonly StudyRunResult[],
  labelsOf: ReadonlyMap<string, number | null>,
  metric: GoalMetric,
  goal: StudyDesign['goal'],
  largestN: number,
  level: number,
): CurveFit | null {
  const fitted = results.flatMap((result) => {
    if (result.metrics?.status !== 'completed') return [];
    const n = result.labelsPerClass ?? labelsOf.get(result.point) ?? null;
    const value = modelValues(result.metrics.models[model] ?? null)?.[metric].value ?? null;
    return n === null || value === null ? [] : [{ labelsPerClass: n, value }];
  });
  const fit = fitPowerLaw(fitted.map((point) => ({ n: point.labelsPerClass, error: 1 - point.value })));
  if (fit === null) return null;
  const rmse = Math.sqrt(
    fitted.reduce((sum, point) => sum + (1 - powerLawValue(fit, point.labelsPerClass) - point.value) ** 2, 0) /
      fitted.length,
  );
  return {
    a: fit.a,
    b: fit.b,
    c: fit.c,
    covariance: fit.covariance,
    rmse,
    points: fitted,
    toGoal: goal === null ? null : labelsToGoal(fit, 1 - goal.value, largestN, level),
  };
}

function savingFactor(fits: SeriesAnalysis['fits'], largestN: number): SeriesAnalysis['savingFactor'] {
  const fineTuned = fits['fine-tuned']?.toGoal;
  const scratch = fits.scratch?.toGoal;
  if (!fineTuned || fineTuned.estimate === null || fineTuned.beyondData || !scratch) return null;
  if (scratch.estimate !== null && !scratch.beyondData)
    return { factor: scratch.estimate / fineTuned.estimate, atLeast: false };
  return { factor: largestN / fineTuned.estimate, atLeast: true };
}

/** The smallest label count from which the gain's interval includes 0 at it and every larger count. */
function findCrossover(
  points: readonly PointAnalysis[],
  metric: GoalMetric,
): Pick<SeriesAnalysis, 'crossover' | 'crossoverNote'> {
  const measured = points.filter((point) => point.labelsPerClass !== null && point.gain?.[metric]);
  if (measured.length === 0) return { crossover: null, crossoverNote: 'no gain measured yet' };
  const includesZero = (point: PointAnalysis) => {
    const gain = point.gain?.[metric];
    return gain !== null && gain !== undefined && gain.low <= 0 && gain.high >= 0;
  };
  let from = measured.length;
  while (from > 0 && includesZero(measured[from - 1] as PointAnalysis)) from--;
  const n = (point: PointAnalysis | undefined) => formatLabels(point?.labelsPerClass ?? null);
  const last = measured[measured.length - 1];
  if (from === measured.length) {
    const sign = (last?.gain?.[metric]?.low ?? 0) > 0 ? 'helps' : 'hurts';
    return {
      crossover: null,
      crossoverNote: `transfer ${sign} at every label count measured up to ${n(last)} per class`,
    };
  }
  const crossover = measured[from]?.labelsPerClass ?? null;
  if (from === 0)
    return {
      crossover,
      crossoverNote:
        'the gain’s interval includes 0 at every label count measured ' + `(from ${n(measured[0])} per class)`,
    };
  const below = measured.slice(0, from);
  const helps = below.every((point) => (point.gain?.[metric]?.low ?? 0) > 0);
  return {
    crossover,
    crossoverNote: helps
      ? `transfer helps up to about ${n(measured[from - 1])} labels per class; ` +
        `from ${n(measured[from])} the gain’s interval includes 0`
      : `the gain’s interval includes 0 from ${n(measured[from])} labels per class on`,
  };
}

export function formatLabels(n: number | null): string {
  if (n === null) return '–';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
