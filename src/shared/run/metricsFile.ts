// The shape of a run's metrics.json (written once, at the end of a run, by the trainer's
// finalModels.ts): the final metrics of each model, the headline gain and the comparison. Readers
// (the report, tests) validate it with this schema; fields added later are optional.
import { z } from 'zod';
import { runEndStatusSchema } from './events';
import { clinicalMetricsSchema, modelComparisonSchema } from './metrics';
import { seedGroupSchema } from './seedGroup';
import { studyRunRefSchema } from '../study/studyRun';

export const transferGainSchema = z.object({
  auc: z.number().nullable(),
  balancedAccuracy: z.number().nullable(),
  sensitivity: z.number().nullable(),
});

export const metricsFileSchema = z.object({
  experimentName: z.string(),
  runId: z.string(),
  status: runEndStatusSchema,
  backend: z.string(),
  evaluationSplit: z.enum(['test', 'val']),
  classes: z.array(z.string()),
  models: z.object({ 'fine-tuned': clinicalMetricsSchema.optional(), scratch: clinicalMetricsSchema.optional() }),
  transferGain: transferGainSchema.nullable(),
  /** The seed this run used. */
  seed: z.number().int().nonnegative().optional(),
  /** Fine-tuned vs scratch with CIs and DeLong's test (binary), when both were evaluated. */
  comparison: modelComparisonSchema.nullable().optional(),
  /** Set when the run is one of a repeated experiment's seeds. */
  seedGroup: seedGroupSchema.optional(),
  /** Set when the run is one run of a study. */
  study: studyRunRefSchema.optional(),
});
export type MetricsFile = z.infer<typeof metricsFileSchema>;
