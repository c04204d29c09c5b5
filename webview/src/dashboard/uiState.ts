// The little UI state the dashboard keeps across reloads (vscode.setState): which tab, the
// smoothing, the confusion matrix view and the compare choices. Validated when restored, since
// an older version may have saved another shape.
import { z } from 'zod';
import { MAX_SMOOTHING } from '../common/smoothing';

export const DASHBOARD_TABS = [
  'compare',
  'curves',
  'evaluation',
  'confusion',
  'per-class',
  'explanations',
  'details',
] as const;
export type DashboardTab = (typeof DASHBOARD_TABS)[number];

const uiStateSchema = z.object({
  tab: z.enum(DASHBOARD_TABS).nullable().catch(null),
  smoothing: z.number().min(0).max(MAX_SMOOTHING).catch(0),
  normalized: z.boolean().catch(false),
  matrixSource: z.enum(['final', 'epoch']).catch('final'),
  /** Epoch step of the validation matrices; null follows the latest epoch. */
  epoch: z.number().int().positive().nullable().catch(null),
  compareMetric: z.enum(['loss', 'accuracy', 'auc', 'balancedAccuracy']).catch('auc'),
  compareSplit: z.enum(['train', 'val']).catch('val'),
  compareGroup: z.enum(['fine-tuned', 'scratch', 'source']).catch('fine-tuned'),
  /** Class whose ROC and precision–recall curves the Evaluation tab shows (more than two classes). */
  evaluationClass: z.number().int().nonnegative().nullable().catch(null),
  /** Key of the run the single-run tabs show when comparing. */
  focusedRun: z.string().max(4096).nullable().catch(null),
  /** The experiments table's sort (a column id, see runsTableData.ts) and filter. */
  tableSort: z
    .object({ column: z.string().max(4096), descending: z.boolean() })
    .nullable()
    .catch(null),
  tableFilter: z.string().max(1000).catch(''),
  /** The learning curve a study's chart shows (one per combination of the other varied keys). */
  studySeries: z.number().int().nonnegative().catch(0),
});

export type DashboardUiState = z.infer<typeof uiStateSchema>;

export const DEFAULT_UI_STATE: DashboardUiState = {
  tab: null,
  // Per-epoch curves have few points: raw by default, smoothing on demand.
  smoothing: 0,
  normalized: false,
  matrixSource: 'final',
  epoch: null,
  compareMetric: 'auc',
  compareSplit: 'val',
  compareGroup: 'fine-tuned',
  evaluationClass: null,
  focusedRun: null,
  tableSort: null,
  tableFilter: '',
  studySeries: 0,
};

/** Restores what was saved, falling back to defaults field by field. */
export function restoreUiState(saved: unknown): DashboardUiState {
  const input = typeof saved === 'object' && saved !== null ? saved : {};
  const parsed = uiStateSchema.safeParse({ ...DEFAULT_UI_STATE, ...input });
  return parsed.success ? parsed.data : { ...DEFAULT_UI_STATE };
}
