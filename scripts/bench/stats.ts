// The arithmetic of the report, kept pure so the unit tests can pin it down.
import type { BenchRow } from './results';

/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

/** ours / theirs, or null where either is missing or the reference is not positive. */
export function ratio(ours: number | undefined, theirs: number | undefined): number | null {
  if (ours === undefined || theirs === undefined || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs <= 0)
    return null;
  return ours / theirs;
}

export interface RowRatio {
  model: string;
  backend: string;
  /** Threads of both sides (the PyTorch row matched to ours). */
  threads: number;
  train: number | null;
  inference: number | null;
}

/**
 * For each measured tfjs row, the PyTorch row of the same model with the same thread count (the
 * fair comparison); where PyTorch ran with no such count, none.
 */
export function pairRatios(rows: readonly BenchRow[]): RowRatio[] {
  // The tuned-allocator rows (backend `pytorch`) first: the stronger reference (main.ts).
  const torch = rows
    .filter((row) => row.framework === 'pytorch' && row.status === 'ok')
    .sort((a, b) => Number(b.backend === 'pytorch') - Number(a.backend === 'pytorch'));
  return rows
    .filter((row) => row.framework === 'tfjs' && row.status === 'ok')
    .flatMap((row) => {
      const reference = torch.find((candidate) => candidate.model === row.model && candidate.threads === row.threads);
      if (!reference) return [];
      return [
        {
          model: row.model,
          backend: row.backend,
          threads: row.threads ?? 1,
          train: ratio(row.trainImagesPerSecond, reference.trainImagesPerSecond),
          inference: ratio(row.inferenceImagesPerSecond, reference.inferenceImagesPerSecond),
        },
      ];
    });
}
