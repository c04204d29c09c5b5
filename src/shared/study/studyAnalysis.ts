// The shape of a study's analysis (src/shared/study/analysis/ computes it): per point and model
// the mean over seeds with a 95% interval that combines the seed variation and the test-set
// sampling, the transfer gain, DeLong's p per seed; and, when the label count varies, an inverse
// power law fitted per model, the labels needed to reach the goal, the label-saving factor and
// the crossover.
import { z } from 'zod';
import { GOAL_METRICS } from './studySchema';

export const STUDY_MODELS = ['fine-tuned', 'scratch'] as const;
export type StudyModel = (typeof STUDY_MODELS)[number];

/** A metric's mean over seeds with its interval; `values` per seed, in the study's seed order. */
export const seedIntervalSchema = z.object({
  mean: z.number(),
  low: z.number(),
  high: z.number(),
  /** Seeds that gave a value. */
  n: z.number().int().nonnegative(),
  values: z.array(z.number().nullable()),
  /** Sample standard deviation across seeds (null with one seed). */
  seedSd: z.number().nullable(),
  /** The mean test-set standard error of one seed, from its bootstrap interval (null without intervals). */
  samplingSe: z.number().nullable(),
});
export type SeedInterval = z.infer<typeof seedIntervalSchema>;

const interval = seedIntervalSchema.nullable();

export const metricSummarySchema = z.object({
  auc: interval,
  balancedAccuracy: interval,
  sensitivity: interval,
  specificity: interval,
});
export type MetricSummary = z.infer<typeof metricSummarySchema>;

export const pointAnalysisSchema = z.object({
  point: z.string(),
  /** Training labels per class the point's runs had (mean over classes and seeds); null before any read its data. */
  labelsPerClass: z.number().nullable(),
  /** Runs that completed, of the point's runs. */
  completed: z.number().int().nonnegative(),
  models: z.object({ 'fine-tuned': metricSummarySchema.nullable(), scratch: metricSummarySchema.nullable() }),
  /** Fine-tuned minus scratch. */
  gain: metricSummarySchema.nullable(),
  /** DeLong's two-sided p per seed (null: that seed has none), in the study's seed order. */
  delongP: z.array(z.number().nullable()),
});
export type PointAnalysis = z.infer<typeof pointAnalysisSchema>;

/** Labels per class to reach the goal on the fitted curve. */
export const labelsToGoalSchema = z.object({
  /** Null when the curve never reaches the goal (its asymptote is below it). */
  estimate: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  /** The estimate lies beyond the largest label count measured (or does not exist): an extrapolation. */
  beyondData: z.boolean(),
});
export type LabelsToGoal = z.infer<typeof labelsToGoalSchema>;

/** 1 − metric = a·n^(−b) + c, least squares over every completed run (n: labels per class). */
export const curveFitSchema = z.object({
  a: z.number(),
  b: z.number(),
  c: z.number(),
  /** Parameter covariance (a, b, c), as scipy's curve_fit gives it; null when singular. */
  covariance: z.array(z.array(z.number())).nullable(),
  /** Root mean squared residual, in metric units. */
  rmse: z.number(),
  /** The points fitted: one per completed run. */
  points: z.array(z.object({ labelsPerClass: z.number(), value: z.number() })),
  toGoal: labelsToGoalSchema.nullable(),
});
export type CurveFit = z.infer<typeof curveFitSchema>;

/** One learning curve per combination of the varied keys other than the label count. */
export const seriesAnalysisSchema = z.object({
  /** `strategy full`, or empty when only the label count varies. */
  label: z.string(),
  /** The series' points, by increasing label count. */
  points: z.array(z.string()),
  fits: z.object({ 'fine-tuned': curveFitSchema.nullable(), scratch: curveFitSchema.nullable() }),
  /** Scratch's labels to the goal over the fine-tuned model's; `atLeast` when scratch is beyond the data. */
  savingFactor: z.object({ factor: z.number(), atLeast: z.boolean() }).nullable(),
  /** The smallest label count from which the gain's interval includes 0 (at it and every larger count); null: never. */
  crossover: z.number().nullable(),
  /** One sentence: "transfer helps up to about 20 labels per class", or why not. */
  crossoverNote: z.string(),
});
export type SeriesAnalysis = z.infer<typeof seriesAnalysisSchema>;

export const studyAnalysisSchema = z.object({
  /** The metric the curves, the goal and the crossover are about. */
  metric: z.enum(GOAL_METRICS),
  level: z.number().gt(0).lt(1),
  /** The varied key that sets the label count; null: no learning curves. */
  labelCountPath: z.string().nullable(),
  goal: z.object({ metric: z.enum(GOAL_METRICS), value: z.number() }).nullable(),
  points: z.array(pointAnalysisSchema),
  series: z.array(seriesAnalysisSchema),
  /** How the numbers were made, as a methods paragraph. */
  methods: z.string(),
});
export type StudyAnalysis = z.infer<typeof studyAnalysisSchema>;
