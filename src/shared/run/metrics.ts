// Shapes of the clinical metrics the trainer computes and every view shows. The fields after
// `loss` (intervals, curves, calibration, operating point) are optional: runs recorded before
// they existed, and runs that turned them off, still parse.
import { z } from 'zod';

const ratio = z.number().min(0).max(1).nullable();

export const classMetricsSchema = z.object({
  className: z.string(),
  /** Cases of this class in the evaluated split. */
  support: z.number().int().nonnegative(),
  /** Recall, true-positive rate (one-vs-rest). Null when the class has no cases. */
  sensitivity: ratio,
  specificity: ratio,
  /** Positive predictive value. Null when the class was never predicted. */
  precision: ratio,
  /** Negative predictive value. */
  npv: ratio,
  f1: ratio,
  /** One-vs-rest ROC AUC. Null when the class has no cases, or every case is of it. */
  auc: ratio,
});

/**
 * A point estimate with its confidence interval (level given beside it, 0.95 by default). The
 * estimate is the value on the whole evaluated split; low/high are bootstrap percentiles.
 * Differences (transfer gain) may be negative, so these are plain numbers.
 */
export const intervalSchema = z.object({
  estimate: z.number(),
  low: z.number(),
  high: z.number(),
});
export type Interval = z.infer<typeof intervalSchema>;

/** Null where the metric is undefined on the split (e.g. no positive cases). */
const interval = intervalSchema.nullable();

/** How the intervals were made, so a report can say it. */
export const bootstrapSettingsSchema = z.object({
  method: z.literal('stratified-percentile-bootstrap'),
  /** Resamples drawn; each keeps the split's count of every class. */
  resamples: z.number().int().positive(),
  /** Confidence level, e.g. 0.95. */
  level: z.number().gt(0).lt(1),
  seed: z.number().int().nonnegative(),
});
export type BootstrapSettings = z.infer<typeof bootstrapSettingsSchema>;

/**
 * 95% CIs of the headline metrics. Binary tasks: sensitivity, specificity and balanced accuracy
 * are taken at `threshold` (the operating point's, see operatingPoint); more classes: at the
 * argmax, with sensitivity/specificity null and balanced accuracy the mean recall.
 */
export const metricIntervalsSchema = z.object({
  bootstrap: bootstrapSettingsSchema,
  /** Threshold on the positive class's probability the intervals' sens./spec. use; null: argmax. */
  threshold: z.number().nullable(),
  auc: interval,
  sensitivity: interval,
  specificity: interval,
  balancedAccuracy: interval,
  /** Per class (one-vs-rest, at the argmax; AUC one-vs-rest), in class order. */
  perClass: z
    .array(
      z.object({
        className: z.string(),
        auc: interval,
        sensitivity: interval,
        specificity: interval,
      }),
    )
    .optional(),
});
export type MetricIntervals = z.infer<typeof metricIntervalsSchema>;

/**
 * One ROC point: predicting "positive" when the class's probability is ≥ threshold. The first
 * point (0, 0) has threshold null (above every score). Curves are downsampled to at most ~200
 * points, keeping the corners of the convex hull, so they draw the same.
 */
export const rocPointSchema = z.object({
  fpr: z.number().min(0).max(1),
  tpr: z.number().min(0).max(1),
  threshold: z.number().nullable(),
});
export type RocPoint = z.infer<typeof rocPointSchema>;

/** The ROC curve of one class against the rest (binary: the positive class). */
export const rocCurveSchema = z.object({
  classIndex: z.number().int().nonnegative(),
  className: z.string(),
  /** Trapezoidal AUC of the full (not downsampled) curve: equals the class's AUC. */
  auc: ratio,
  points: z.array(rocPointSchema),
});
export type RocCurve = z.infer<typeof rocCurveSchema>;

/** One precision–recall point at threshold (≥ threshold is positive). */
export const prPointSchema = z.object({
  recall: z.number().min(0).max(1),
  precision: z.number().min(0).max(1),
  threshold: z.number().nullable(),
});
export type PrPoint = z.infer<typeof prPointSchema>;

export const prCurveSchema = z.object({
  classIndex: z.number().int().nonnegative(),
  className: z.string(),
  /** Average precision (step-wise area, as scikit-learn's average_precision_score). */
  averagePrecision: ratio,
  /** Share of cases of this class: the precision of a model that guesses. */
  prevalence: ratio,
  points: z.array(prPointSchema),
});
export type PrCurve = z.infer<typeof prCurveSchema>;

/** One bin of a reliability diagram: equal-width bins of predicted probability over [0, 1]. */
export const reliabilityBinSchema = z.object({
  /** Bin edges. */
  lower: z.number().min(0).max(1),
  upper: z.number().min(0).max(1),
  /** Mean predicted probability of the cases in the bin; null for an empty bin. */
  meanPredicted: ratio,
  /** Share of those cases that are positive (top-label: correct); null for an empty bin. */
  fractionPositive: ratio,
  count: z.number().int().nonnegative(),
});
export type ReliabilityBin = z.infer<typeof reliabilityBinSchema>;

export const calibrationSchema = z.object({
  /**
   * binary: the positive class's probability against being positive; top-label (more classes): the top probability
   * against being right.
   */
  kind: z.enum(['positive-class', 'top-label']),
  bins: z.array(reliabilityBinSchema),
  /** Expected calibration error: Σ count/N · |fractionPositive − meanPredicted| over the bins. */
  ece: ratio,
  /** Largest gap of any non-empty bin. */
  maxCalibrationError: ratio,
  /** Brier score (binary: of the positive class; more classes: multi-class Brier / K). */
  brier: z.number().nonnegative().nullable(),
  /** Temperature the logits were divided by (fitted on the validation split), null when not scaled. */
  temperature: z.number().positive().nullable(),
  /** ECE of the unscaled probabilities, when a temperature was applied. */
  eceBeforeScaling: ratio.optional(),
});
export type Calibration = z.infer<typeof calibrationSchema>;

export const OPERATING_POINT_RULES = ['youden', 'sensitivity', 'specificity', 'default'] as const;
export type OperatingPointRule = (typeof OPERATING_POINT_RULES)[number];

/**
 * Binary tasks: the threshold on the positive class's probability, chosen on the validation split
 * (Youden's J, or the highest threshold reaching a target sensitivity / specificity), then
 * applied to the evaluated split. `default` is 0.5 (the argmax), chosen on nothing.
 */
export const operatingPointSchema = z.object({
  threshold: z.number(),
  rule: z.enum(OPERATING_POINT_RULES),
  /** The target sensitivity or specificity of those rules, else null. */
  target: ratio,
  chosenOn: z.enum(['val']).nullable(),
  /** On the evaluated split, at the threshold. */
  sensitivity: ratio,
  specificity: ratio,
  balancedAccuracy: ratio,
  precision: ratio,
  npv: ratio,
  /** confusion[actual][predicted] at the threshold. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
  /** What the threshold gave on the validation split it was chosen on. */
  validation: z.object({ sensitivity: ratio, specificity: ratio }).nullable(),
});
export type OperatingPoint = z.infer<typeof operatingPointSchema>;

export const clinicalMetricsSchema = z.object({
  /** Cases evaluated. */
  count: z.number().int().nonnegative(),
  accuracy: ratio,
  balancedAccuracy: ratio,
  /** Binary: AUC of the positive class. More classes: macro one-vs-rest AUC. */
  auc: ratio,
  /** Index of the positive class for binary tasks, null for more classes. */
  positiveClass: z.number().int().nonnegative().nullable(),
  /** Binary: sensitivity and specificity for the positive class at the 0.5 operating point (argmax). */
  sensitivity: ratio,
  specificity: ratio,
  perClass: z.array(classMetricsSchema),
  /** confusion[actual][predicted], counts. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
  loss: z.number().nullable(),
  /** Bootstrap confidence intervals (absent with `evaluation.bootstrap.resamples: 0`). */
  intervals: metricIntervalsSchema.optional(),
  /** Binary: one curve, the positive class; more classes: one per class, one-vs-rest. */
  roc: z.array(rocCurveSchema).optional(),
  pr: z.array(prCurveSchema).optional(),
  calibration: calibrationSchema.optional(),
  /** Binary tasks only. */
  operatingPoint: operatingPointSchema.optional(),
});

export type ClassMetrics = z.infer<typeof classMetricsSchema>;
export type ClinicalMetrics = z.infer<typeof clinicalMetricsSchema>;

/**
 * DeLong's test for two correlated AUCs (the same cases scored by both models), fine-tuned minus
 * scratch. Binary: the positive class's AUC; more classes: null (no macro-AUC version here).
 */
export const delongTestSchema = z.object({
  className: z.string(),
  fineTunedAuc: z.number().min(0).max(1),
  scratchAuc: z.number().min(0).max(1),
  aucDifference: z.number(),
  /** Standard error of the difference, from the paired structural components. */
  standardError: z.number().nonnegative(),
  /** aucDifference / standardError (null when the standard error is 0). */
  z: z.number().nullable(),
  /** Two-sided p-value (1 when the standard error is 0 and the AUCs are equal). */
  pValue: z.number().min(0).max(1),
  /** Normal-approximation CI of the difference, at the bootstrap's level. */
  ci: z.object({ low: z.number(), high: z.number() }),
});
export type DelongTest = z.infer<typeof delongTestSchema>;

/**
 * Fine-tuned vs scratch on the same cases. The gain intervals come from a paired, stratified
 * bootstrap (both models scored on the same resampled cases); sensitivity/specificity/balanced
 * accuracy at each model's own operating point (binary) or argmax.
 */
export const modelComparisonSchema = z.object({
  split: z.enum(['test', 'val']),
  bootstrap: bootstrapSettingsSchema.nullable(),
  /** Fine-tuned minus scratch, with CIs; null where either side is undefined. */
  gain: z.object({
    auc: interval,
    sensitivity: interval,
    specificity: interval,
    balancedAccuracy: interval,
  }),
  delong: delongTestSchema.nullable(),
});
export type ModelComparison = z.infer<typeof modelComparisonSchema>;
