// A model's full evaluation from its softmax outputs on the validation and evaluated splits: the
// clinical metrics, then (as the experiment asks) a temperature fitted on validation, the
// threshold chosen on validation, ROC and PR curves, the reliability diagram and bootstrap CIs.
// Pure TypeScript: the trainer predicts, this computes. The result also keeps what the paired
// comparison with another model needs (compareModels.ts).
import type { EvaluationSpec } from '../../shared/experiment/schema';
import type {
  BootstrapSettings,
  ClinicalMetrics,
  Interval,
  MetricIntervals,
  PrCurve,
  RocCurve,
} from '../../shared/run/metrics';
import type { OperatingPointDecision } from '../../shared/run/modelDecision';
import { bootstrap } from './bootstrap';
import type { BootstrapOptions, WeightedStatistic } from './bootstrap';
import { calibrationOf } from './calibration';
import { computeClinicalMetrics } from './clinicalMetrics';
import { averagePrecision, downsample, downsampleRoc, prCurvePoints, rocCurvePoints, trapezoidArea } from './curves';
import { chooseThreshold, operatingPointOf } from './operatingPoint';
import type { ThresholdChoice } from './operatingPoint';
import { applyTemperature, fitTemperature, unscaledThreshold } from './temperature';
import { HEADLINE, headlineStatistic, perClassIndex } from './weightedMetrics';

export interface SplitScores {
  /** N×K row-major softmax outputs of the model. */
  probabilities: Float32Array;
  labels: Int32Array;
}

export interface EvaluationInput {
  evaluated: SplitScores;
  /** The validation split (for the temperature and the threshold); null or empty: neither is fitted. */
  validation: SplitScores | null;
  classes: string[];
  positiveClass: number | null;
  settings: EvaluationSpec;
  /** Seed of the bootstrap when the settings name none. */
  seed: number;
}

export interface ModelEvaluation {
  metrics: ClinicalMetrics;
  /** The (temperature-scaled, if asked) probabilities every metric was computed from. */
  probabilities: Float32Array;
  labels: Int32Array;
  classCount: number;
  positiveClass: number | null;
  /** Binary: the chosen threshold on the scaled probability; else null. */
  choice: ThresholdChoice | null;
  temperature: number | null;
  statistic: WeightedStatistic;
  bootstrap: BootstrapOptions | null;
}

/** What an exported model needs to decide like the evaluation did (metadata.json). */
export interface DecisionRule {
  positiveClass: number;
  /** On the model's own softmax output of the positive class (≥ is positive). */
  threshold: number;
  rule: ThresholdChoice['rule'];
  target: number | null;
  temperature: number | null;
}

export function bootstrapOptions(settings: EvaluationSpec, seed: number): BootstrapOptions | null {
  const { resamples, level } = settings.bootstrap;
  return resamples > 0 ? { resamples, level, seed: settings.bootstrap.seed ?? seed } : null;
}

export function bootstrapSettingsOf(options: BootstrapOptions): BootstrapSettings {
  return { method: 'stratified-percentile-bootstrap', ...options };
}

/** Estimate and interval from a bootstrap result's metric `index`; null where undefined. */
export function intervalAt(
  estimates: Float64Array,
  intervals: ({ low: number; high: number } | null)[],
  index: number,
): Interval | null {
  const estimate = estimates[index] as number;
  const range = intervals[index];
  return Number.isNaN(estimate) || !range ? null : { estimate, low: range.low, high: range.high };
}

function nll(probabilities: Float32Array, labels: Int32Array, classCount: number): number | null {
  if (labels.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < labels.length; i++)
    sum -= Math.log(Math.max(probabilities[i * classCount + (labels[i] as number)] as number, 1e-7));
  return sum / labels.length;
}

function column(probabilities: Float32Array, classCount: number, k: number): Float64Array {
  const out = new Float64Array(probabilities.length / classCount);
  for (let i = 0; i < out.length; i++) out[i] = probabilities[i * classCount + k] as number;
  return out;
}

export function evaluateScores(input: EvaluationInput): ModelEvaluation {
  const { classes, positiveClass: wanted, settings } = input;
  const classCount = classes.length;
  const labels = input.evaluated.labels;
  const validation = input.validation && input.validation.labels.length > 0 ? input.validation : null;

  const temperature =
    settings.calibration.temperatureScaling && validation
      ? fitTemperature(validation.probabilities, validation.labels, classCount)
      : null;
  const scale = (probabilities: Float32Array) =>
    temperature === null ? probabilities : applyTemperature(probabilities, classCount, temperature);
  const probabilities = scale(input.evaluated.probabilities);
  const base = computeClinicalMetrics({
    probabilities,
    labels,
    classes,
    positiveClass: wanted,
    loss: nll(probabilities, labels, classCount),
  });
  const positiveClass = base.positiveClass;

  let choice: ThresholdChoice | null = null;
  if (positiveClass !== null) {
    const rule = settings.operatingPoint.rule;
    const target = settings.operatingPoint.target ?? null;
    if (validation) {
      const scores = column(scale(validation.probabilities), classCount, positiveClass);
      choice = chooseThreshold(
        scores,
        Array.from(validation.labels, (label) => label === positiveClass),
        rule,
        target,
      );
    } else {
      choice = chooseThreshold([], [], 'default', null);
    }
  }

  const curveClasses = positiveClass !== null ? [positiveClass] : classes.map((_, k) => k);
  const roc: RocCurve[] = [];
  const pr: PrCurve[] = [];
  for (const k of curveClasses) {
    const scores = column(probabilities, classCount, k);
    const isClass = Array.from(labels, (label) => label === k);
    const rocPoints = rocCurvePoints(scores, isClass);
    const prPoints = prCurvePoints(scores, isClass);
    const className = classes[k] as string;
    roc.push({ classIndex: k, className, auc: trapezoidArea(rocPoints), points: downsampleRoc(rocPoints) });
    const support = isClass.filter(Boolean).length;
    pr.push({
      classIndex: k,
      className,
      averagePrecision: averagePrecision(prPoints),
      prevalence: labels.length === 0 ? null : support / labels.length,
      points: downsample(prPoints),
    });
  }

  const calibration = calibrationOf(
    probabilities,
    labels,
    classCount,
    positiveClass,
    settings.calibration.bins,
    temperature,
  );
  if (temperature !== null)
    calibration.eceBeforeScaling = calibrationOf(
      input.evaluated.probabilities,
      labels,
      classCount,
      positiveClass,
      settings.calibration.bins,
      null,
    ).ece;

  const statistic = headlineStatistic({
    probabilities,
    labels,
    classCount,
    positiveClass,
    threshold: choice?.threshold ?? null,
  });
  const options = bootstrapOptions(settings, input.seed);
  let intervals: MetricIntervals | undefined;
  if (options && labels.length > 0) {
    const { estimates, intervals: ranges } = bootstrap(statistic, labels, classCount, options);
    const at = (index: number) => intervalAt(estimates, ranges, index);
    intervals = {
      bootstrap: bootstrapSettingsOf(options),
      threshold: choice?.threshold ?? null,
      auc: at(HEADLINE.auc),
      sensitivity: at(HEADLINE.sensitivity),
      specificity: at(HEADLINE.specificity),
      balancedAccuracy: at(HEADLINE.balancedAccuracy),
      perClass: classes.map((className, k) => ({
        className,
        auc: at(perClassIndex(k, 0)),
        sensitivity: at(perClassIndex(k, 1)),
        specificity: at(perClassIndex(k, 2)),
      })),
    };
  }

  const metrics: ClinicalMetrics = { ...base, roc, pr, calibration };
  if (intervals) metrics.intervals = intervals;
  if (positiveClass !== null && choice)
    metrics.operatingPoint = operatingPointOf(
      column(probabilities, classCount, positiveClass),
      labels,
      positiveClass,
      choice,
    );
  return {
    metrics,
    probabilities,
    labels,
    classCount,
    positiveClass,
    choice,
    temperature,
    statistic,
    bootstrap: options,
  };
}

/** The operating point a decision rule gives, as modelDecision.ts's decideClass takes it. */
export function operatingPointOfRule(decision: DecisionRule): OperatingPointDecision {
  return { positiveClassIndex: decision.positiveClass, threshold: decision.threshold, rule: decision.rule };
}

/** The decision rule for metadata.json: binary tasks only. */
export function decisionRuleOf(evaluation: ModelEvaluation): DecisionRule | null {
  if (evaluation.positiveClass === null || !evaluation.choice) return null;
  const { threshold, rule, target } = evaluation.choice;
  return {
    positiveClass: evaluation.positiveClass,
    threshold: evaluation.temperature === null ? threshold : unscaledThreshold(threshold, evaluation.temperature),
    rule,
    target,
    temperature: evaluation.temperature,
  };
}
