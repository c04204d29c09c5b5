// The summary of a repeated experiment (`seeds: [1, 2, 3]`): one normal run directory per seed,
// and beside them `<runs>/<name>/<group>.seeds.json` with the mean ± sd across the seeds, as
// papers report. The group id is the first seed's run id; the file is not a folder, so run
// discovery (RUN_ID_PATTERN folders only) never mistakes it for a run.
import { z } from 'zod';
import { runEndStatusSchema } from './events';

export const SEED_SUMMARY_SUFFIX = '.seeds.json';

/** Mean and sample standard deviation (n − 1) over the seeds where the value is defined. */
export const meanSdSchema = z.object({
  mean: z.number(),
  sd: z.number().nullable(),
  /** Seeds that had a value. */
  n: z.number().int().nonnegative(),
  values: z.array(z.number().nullable()),
});
export type MeanSd = z.infer<typeof meanSdSchema>;

const meanSd = meanSdSchema.nullable();

export const seedMetricSummarySchema = z.object({
  auc: meanSd,
  balancedAccuracy: meanSd,
  sensitivity: meanSd,
  specificity: meanSd,
  accuracy: meanSd,
});
export type SeedMetricSummary = z.infer<typeof seedMetricSummarySchema>;

export const seedSummarySchema = z.object({
  format: z.literal('medtransfer-seeds/1'),
  experimentName: z.string(),
  group: z.string(),
  seeds: z.array(z.number().int().nonnegative()),
  /** The run id of each seed's run directory, in seed order (null: that seed's run did not complete). */
  runIds: z.array(z.string()),
  statuses: z.array(runEndStatusSchema),
  evaluationSplit: z.enum(['test', 'val']),
  /** Sensitivity/specificity/balanced accuracy at each run's operating point where it has one. */
  models: z.object({ 'fine-tuned': seedMetricSummarySchema.optional(), scratch: seedMetricSummarySchema.optional() }),
  /** Fine-tuned minus scratch per seed. */
  gain: seedMetricSummarySchema.nullable(),
});
export type SeedSummary = z.infer<typeof seedSummarySchema>;
