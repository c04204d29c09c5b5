// Mean ± sd across the runs of a repeated experiment (one per seed), as papers report: the
// sample standard deviation (n − 1) of each metric over the seeds where it is defined.
import type { EvaluatedModel, RunEndStatus } from '../../shared/run/events';
import type { ClinicalMetrics } from '../../shared/run/metrics';
import type { MeanSd, SeedMetricSummary, SeedSummary } from '../../shared/run/seedSummary';

export interface SeedRunOutcome {
  seed: number;
  runId: string;
  status: RunEndStatus;
  evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>>;
}

export function meanSd(values: readonly (number | null)[]): MeanSd | null {
  const defined = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (defined.length === 0) return null;
  const mean = defined.reduce((sum, value) => sum + value, 0) / defined.length;
  const sd =
    defined.length < 2
      ? null
      : Math.sqrt(defined.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (defined.length - 1));
  return { mean, sd, n: defined.length, values: [...values] };
}

type Pick = (metrics: ClinicalMetrics) => number | null;

/** Sensitivity, specificity and balanced accuracy at the run's operating point where it has one. */
const PICKS: Record<keyof SeedMetricSummary, Pick> = {
  auc: (m) => m.auc,
  balancedAccuracy: (m) => (m.operatingPoint ? m.operatingPoint.balancedAccuracy : m.balancedAccuracy),
  sensitivity: (m) => (m.operatingPoint ? m.operatingPoint.sensitivity : m.sensitivity),
  specificity: (m) => (m.operatingPoint ? m.operatingPoint.specificity : m.specificity),
  accuracy: (m) => m.accuracy,
};

function summarize(value: (pick: Pick) => (number | null)[]): SeedMetricSummary {
  return {
    auc: meanSd(value(PICKS.auc)),
    balancedAccuracy: meanSd(value(PICKS.balancedAccuracy)),
    sensitivity: meanSd(value(PICKS.sensitivity)),
    specificity: meanSd(value(PICKS.specificity)),
    accuracy: meanSd(value(PICKS.accuracy)),
  };
}

export function summarizeSeeds(
  experimentName: string,
  group: string,
  split: 'test' | 'val',
  runs: readonly SeedRunOutcome[],
): SeedSummary {
  const model = (name: EvaluatedModel) =>
    runs.some((run) => run.evaluations[name])
      ? summarize((pick) => runs.map((run) => (run.evaluations[name] ? pick(run.evaluations[name]) : null)))
      : undefined;
  const fineTuned = model('fine-tuned');
  const scratch = model('scratch');
  const gain = (pick: Pick) =>
    runs.map((run) => {
      const a = run.evaluations['fine-tuned'];
      const b = run.evaluations.scratch;
      const x = a ? pick(a) : null;
      const y = b ? pick(b) : null;
      return x === null || y === null ? null : x - y;
    });
  return {
    format: 'medtransfer-seeds/1',
    experimentName,
    group,
    seeds: runs.map((run) => run.seed),
    runIds: runs.map((run) => run.runId),
    statuses: runs.map((run) => run.status),
    evaluationSplit: split,
    models: { ...(fineTuned ? { 'fine-tuned': fineTuned } : {}), ...(scratch ? { scratch } : {}) },
    gain: fineTuned && scratch ? summarize(gain) : null,
  };
}
