// The shape of metrics.json, checked by the tests (the trainer writes it with finalModels.ts).
import { z } from 'zod';
import { clinicalMetricsSchema } from '../../src/shared/run/metrics';

export const metricsFileSchema = z.object({
  experimentName: z.string(),
  runId: z.string(),
  status: z.enum(['completed', 'stopped', 'failed']),
  backend: z.string(),
  evaluationSplit: z.enum(['test', 'val']),
  classes: z.array(z.string()),
  models: z.object({ 'fine-tuned': clinicalMetricsSchema.optional(), scratch: clinicalMetricsSchema.optional() }),
  transferGain: z.object({ auc: z.number().nullable(), balancedAccuracy: z.number().nullable(), sensitivity: z.number().nullable() }).nullable(),
});
