// Turns a run's epoch records into chart series. Pure.
// The fine-tuned model's head and fine-tune phases share one x axis (epoch 1 … head + finetune,
// with a marker where fine-tuning starts) so it lines up with the scratch baseline, which gets
// the same epoch budget; the source task is a different problem and gets its own chart.
import type { TrainingPhase } from '../../../src/shared/run/events';
import type { EpochRecord } from '../../../src/shared/run/runState';
import { phaseLabel } from '../common/viewFormat';

export type CurveMetric = 'loss' | 'accuracy' | 'auc' | 'balancedAccuracy';
export type CurveSplit = 'train' | 'val';
export type CurveGroupId = 'fine-tuned' | 'scratch' | 'source';

export interface CurveGroup {
  id: CurveGroupId;
  label: string;
  phases: readonly TrainingPhase[];
}

export const CURVE_GROUPS: Readonly<Record<CurveGroupId, CurveGroup>> = {
  'fine-tuned': { id: 'fine-tuned', label: 'Fine-tuned', phases: ['head', 'finetune'] },
  scratch: { id: 'scratch', label: 'Scratch', phases: ['scratch'] },
  source: { id: 'source', label: 'Source', phases: ['source'] },
};

export interface CurveMetricInfo {
  label: string;
  /** The measure alone, lower case where it is not an acronym: `loss`, `AUC`. */
  measure: string;
  /** Ratios are drawn on a [0, 1]-clamped axis. */
  ratio: boolean;
  train: ((record: EpochRecord) => number | null) | null;
  val: (record: EpochRecord) => number | null;
}

export const CURVE_METRICS: Readonly<Record<CurveMetric, CurveMetricInfo>> = {
  loss: {
    label: 'Loss',
    measure: 'loss',
    ratio: false,
    train: (record) => record.metrics.loss,
    val: (record) => record.metrics.valLoss,
  },
  accuracy: {
    label: 'Accuracy',
    measure: 'accuracy',
    ratio: true,
    train: (record) => record.metrics.accuracy,
    val: (record) => record.metrics.valAccuracy,
  },
  auc: { label: 'Validation AUC', measure: 'AUC', ratio: true, train: null, val: (record) => record.metrics.valAuc },
  balancedAccuracy: {
    label: 'Validation balanced accuracy',
    measure: 'balanced accuracy',
    ratio: true,
    train: null,
    val: (record) => record.metrics.valBalancedAccuracy,
  },
};

export interface CurveLineData {
  group: CurveGroupId;
  split: CurveSplit;
  label: string;
  values: (number | null)[];
}

export interface CurveData {
  /** Epoch numbers 1…n along the group's continued axis. */
  x: number[];
  lines: CurveLineData[];
  /** Where a group changes phase (between two epochs), e.g. head → fine-tune. */
  markers: { x: number; label: string }[];
}

/** A group's epochs in the order they ran. */
export function groupEpochs(epochs: readonly EpochRecord[], group: CurveGroup): EpochRecord[] {
  return epochs.filter((record) => group.phases.includes(record.phase));
}

export function buildCurveData(
  epochs: readonly EpochRecord[],
  metric: CurveMetric,
  groups: readonly CurveGroup[],
): CurveData {
  const info = CURVE_METRICS[metric];
  const perGroup = groups.map((group) => ({ group, records: groupEpochs(epochs, group) }));
  const length = Math.max(0, ...perGroup.map(({ records }) => records.length));
  const x = Array.from({ length }, (_, index) => index + 1);
  const lines: CurveLineData[] = [];
  const markers: CurveData['markers'] = [];
  for (const { group, records } of perGroup) {
    if (records.length === 0) continue;
    const pad = (pick: (record: EpochRecord) => number | null): (number | null)[] =>
      x.map((_, index) => {
        const record = records[index];
        return record ? pick(record) : null;
      });
    if (info.train)
      lines.push({ group: group.id, split: 'train', label: `${group.label} · train`, values: pad(info.train) });
    lines.push({ group: group.id, split: 'val', label: `${group.label} · val`, values: pad(info.val) });
    records.forEach((record, index) => {
      const previous = records[index - 1];
      if (previous && previous.phase !== record.phase)
        markers.push({ x: index + 0.5, label: `${phaseLabel(record.phase)} →` });
    });
  }
  return { x, lines, markers };
}

export interface CompareRun {
  key: string;
  label: string;
  epochs: readonly EpochRecord[];
}

/** One line per run: `metric` on `split` for one model group, along that group's epochs. */
export function buildCompareData(
  runs: readonly CompareRun[],
  metric: CurveMetric,
  split: CurveSplit,
  group: CurveGroup,
): CurveData {
  const info = CURVE_METRICS[metric];
  const pick = split === 'train' ? info.train : info.val;
  const perRun = runs.map((run) => ({ run, records: groupEpochs(run.epochs, group) }));
  const length = Math.max(0, ...perRun.map(({ records }) => records.length));
  const x = Array.from({ length }, (_, index) => index + 1);
  if (!pick) return { x, lines: [], markers: [] };
  const lines = perRun.map(({ run, records }) => ({
    group: group.id,
    split,
    label: run.label,
    values: x.map((_, index) => {
      const record = records[index];
      return record ? pick(record) : null;
    }),
  }));
  return { x, lines, markers: [] };
}
