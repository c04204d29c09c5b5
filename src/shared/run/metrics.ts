// Shapes of the clinical metrics the trainer computes and every view shows.
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

export const clinicalMetricsSchema = z.object({
  /** Cases evaluated. */
  count: z.number().int().nonnegative(),
  accuracy: ratio,
  balancedAccuracy: ratio,
  /** Binary: AUC of the positive class. More classes: macro one-vs-rest AUC. */
  auc: ratio,
  /** Index of the positive class for binary tasks, null for more classes. */
  positiveClass: z.number().int().nonnegative().nullable(),
  /** Binary: sensitivity and specificity for the positive class at the 0.5 operating point. */
  sensitivity: ratio,
  specificity: ratio,
  perClass: z.array(classMetricsSchema),
  /** confusion[actual][predicted], counts. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
  loss: z.number().nullable(),
});

export type ClassMetrics = z.infer<typeof classMetricsSchema>;
export type ClinicalMetrics = z.infer<typeof clinicalMetricsSchema>;
