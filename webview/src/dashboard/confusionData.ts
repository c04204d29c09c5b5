// What a confusion matrix view needs from a run: the final (evaluation split) matrices and the
// per-epoch validation ones, row shares, and cell intensities. Pure.
import type { EvaluatedModel, TrainingPhase } from '../../../src/shared/run/events';
import type { EpochRecord, RunState } from '../../../src/shared/run/runState';
import { CURVE_GROUPS, groupEpochs } from './curveSeries';

export function rowTotals(matrix: readonly (readonly number[])[]): number[] {
  return matrix.map((row) => row.reduce((total, value) => total + value, 0));
}

export function matrixTotal(matrix: readonly (readonly number[])[]): number {
  return rowTotals(matrix).reduce((total, value) => total + value, 0);
}

/** Each row divided by its total (null for an empty row): what share of each actual class went where. */
export function normalizeRows(matrix: readonly (readonly number[])[]): (number | null)[][] {
  return matrix.map((row) => {
    const total = row.reduce((sum, value) => sum + value, 0);
    return row.map((value) => (total === 0 ? null : value / total));
  });
}

/** Shading of each cell in [0, 1]: its row share when normalised, else its count over the largest count. */
export function cellIntensities(matrix: readonly (readonly number[])[], normalized: boolean): number[][] {
  if (normalized) return normalizeRows(matrix).map((row) => row.map((share) => share ?? 0));
  const largest = Math.max(0, ...matrix.flat());
  return matrix.map((row) => row.map((value) => (largest === 0 ? 0 : value / largest)));
}

export interface EpochMatrix {
  /** 1-based position along the model's continued epoch axis (head + finetune for fine-tuned). */
  step: number;
  phase: TrainingPhase;
  epoch: number;
  epochs: number;
  matrix: number[][];
}

export type MatrixModel = EvaluatedModel;

/** The validation matrices recorded after each epoch of a model's phases (epochs without one skipped). */
export function epochMatrices(epochs: readonly EpochRecord[], model: MatrixModel): EpochMatrix[] {
  const group = model === 'fine-tuned' ? CURVE_GROUPS['fine-tuned'] : CURVE_GROUPS.scratch;
  return groupEpochs(epochs, group).flatMap((record, index) =>
    record.valConfusion
      ? [
          {
            step: index + 1,
            phase: record.phase,
            epoch: record.epoch,
            epochs: record.epochs,
            matrix: record.valConfusion,
          },
        ]
      : [],
  );
}

/** How many epoch steps the slider needs: the longer of the two models' runs. */
export function epochSteps(epochs: readonly EpochRecord[]): number {
  return Math.max(
    0,
    ...(['fine-tuned', 'scratch'] as const).map((model) => epochMatrices(epochs, model).at(-1)?.step ?? 0),
  );
}

/** The matrix at `step`, or the model's last one before it (a model that stopped earlier). */
export function matrixAtStep(matrices: readonly EpochMatrix[], step: number): EpochMatrix | null {
  let found: EpochMatrix | null = null;
  for (const candidate of matrices) {
    if (candidate.step <= step) found = candidate;
  }
  return found;
}

/** Class names for a matrix of `size` rows: the target's, or `class 1…` when unknown or mismatched. */
export function matrixClassNames(state: Pick<RunState, 'target'>, size: number): string[] {
  const names = state.target?.classes ?? [];
  return Array.from({ length: size }, (_, index) => names[index] ?? `class ${index + 1}`);
}
