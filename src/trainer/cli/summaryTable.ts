// The comparison the user runs the experiment for: fine-tuned vs scratch, headline numbers with
// their 95% CIs and the transfer gain, DeLong's test, then the per-class clinical metrics.
import type { EvaluatedModel } from '../../shared/run/events';
import type { ClinicalMetrics, Interval, ModelComparison } from '../../shared/run/metrics';
import type { MeanSd, SeedMetricSummary, SeedSummary } from '../../shared/run/seedSummary';
import { formatP } from '../../shared/run/pValue';
import { counted } from '../../shared/text/plural';

type Row = string[];

export function renderTable(header: Row, rows: Row[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: Row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

const value = (number: number | null | undefined): string =>
  number === null || number === undefined ? '–' : number.toFixed(3);
const signed = (number: number | null | undefined): string =>
  number === null || number === undefined ? '–' : `${number >= 0 ? '+' : ''}${number.toFixed(3)}`;

/** `0.869 (0.840–0.896)`, or the bare value without an interval. */
function withInterval(
  number: number | null | undefined,
  interval: Interval | null | undefined,
  format: (n: number | null | undefined) => string = value,
): string {
  if (!interval) return format(number);
  return `${format(interval.estimate)} (${format(interval.low)} to ${format(interval.high)})`;
}

interface HeadlineRow {
  label: string;
  pick: (metrics: ClinicalMetrics) => number | null;
  interval: (metrics: ClinicalMetrics) => Interval | null | undefined;
  gain: (comparison: ModelComparison) => Interval | null;
}

function headlineRows(fineTuned: ClinicalMetrics): HeadlineRow[] {
  const binary = fineTuned.positiveClass !== null;
  const positive = binary ? fineTuned.perClass[fineTuned.positiveClass as number]?.className : undefined;
  // Binary: sensitivity, specificity and balanced accuracy at each model's operating point.
  const atPoint = (metrics: ClinicalMetrics, key: 'sensitivity' | 'specificity' | 'balancedAccuracy') =>
    metrics.operatingPoint ? metrics.operatingPoint[key] : metrics[key];
  const marker = fineTuned.operatingPoint ? '*' : '';
  const rows: HeadlineRow[] = [
    {
      label: binary ? 'ROC AUC' : 'ROC AUC (macro, one-vs-rest)',
      pick: (m) => m.auc,
      interval: (m) => m.intervals?.auc,
      gain: (c) => c.gain.auc,
    },
    {
      label: `Balanced accuracy${marker}`,
      pick: (m) => atPoint(m, 'balancedAccuracy'),
      interval: (m) => m.intervals?.balancedAccuracy,
      gain: (c) => c.gain.balancedAccuracy,
    },
  ];
  if (positive !== undefined) {
    rows.push(
      {
        label: `Sensitivity (${positive})${marker}`,
        pick: (m) => atPoint(m, 'sensitivity'),
        interval: (m) => m.intervals?.sensitivity,
        gain: (c) => c.gain.sensitivity,
      },
      {
        label: `Specificity${marker}`,
        pick: (m) => atPoint(m, 'specificity'),
        interval: (m) => m.intervals?.specificity,
        gain: (c) => c.gain.specificity,
      },
    );
  }
  rows.push({ label: 'Accuracy (argmax)', pick: (m) => m.accuracy, interval: () => null, gain: () => null });
  return rows;
}

function operatingPointNote(models: [string, ClinicalMetrics | undefined][]): string | null {
  const points = models.flatMap(([name, metrics]) =>
    metrics?.operatingPoint ? [[name, metrics.operatingPoint] as const] : [],
  );
  const first = points[0]?.[1];
  if (!first) return null;
  const how =
    first.rule === 'youden'
      ? 'Youden’s J'
      : first.rule === 'default'
        ? 'the default 0.5'
        : `${first.rule} ≥ ${first.target ?? '?'}`;
  const where = first.chosenOn === 'val' ? ' on the validation split' : '';
  const thresholds = points.map(([name, point]) => `${name} ${point.threshold.toFixed(3)}`).join(', ');
  return `* at each model's threshold on the positive-class probability, chosen${where} by ${how}: ${thresholds}`;
}

function delongLine(comparison: ModelComparison): string | null {
  const test = comparison.delong;
  if (!test) return null;
  const level = Math.round((comparison.bootstrap?.level ?? 0.95) * 100);
  return (
    `DeLong's test, AUC fine-tuned vs scratch: difference ${signed(test.aucDifference)} ` +
    `(${level}% CI ${signed(test.ci.low)} to ${signed(test.ci.high)}), ` +
    `z ${test.z === null ? '–' : test.z.toFixed(2)}, p ${formatP(test.pValue)}`
  );
}

export function formatComparison(
  evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>>,
  split: string,
  comparison: ModelComparison | null = null,
): string {
  const fineTuned = evaluations['fine-tuned'];
  if (!fineTuned) return 'No evaluation: the run ended before the evaluate phase.';
  const scratch = evaluations.scratch;
  const bootstrap = fineTuned.intervals?.bootstrap;
  const header = scratch ? ['', 'fine-tuned', 'scratch', 'gain'] : ['', 'fine-tuned'];
  const rows = headlineRows(fineTuned).map(({ label, pick, interval, gain }) => {
    const ours = withInterval(pick(fineTuned), interval(fineTuned));
    if (!scratch) return [label, ours];
    const theirs = pick(scratch);
    const ourValue = pick(fineTuned);
    const difference = ourValue === null || theirs === null ? null : ourValue - theirs;
    return [
      label,
      ours,
      withInterval(theirs, interval(scratch)),
      withInterval(difference, comparison ? gain(comparison) : null, signed),
    ];
  });
  const intervalsNote = bootstrap
    ? `, ${Math.round(bootstrap.level * 100)}% CIs ` +
      `from ${bootstrap.resamples.toLocaleString('en')} stratified bootstrap resamples`
    : '';
  const parts = [
    `Results on the ${split} split (${counted(fineTuned.count, 'image')})${intervalsNote}`,
    renderTable(header, rows),
  ];
  const models: [string, ClinicalMetrics | undefined][] = [
    ['fine-tuned', fineTuned],
    ['scratch', scratch],
  ];
  const note = operatingPointNote(models);
  if (note) parts.push(note);
  const test = comparison ? delongLine(comparison) : null;
  if (test) parts.push(test);
  const calibration = models.flatMap(([name, metrics]) =>
    metrics?.calibration?.ece != null ? [`${name} ${value(metrics.calibration.ece)}`] : [],
  );
  if (calibration.length > 0)
    parts.push(
      `Expected calibration error (${fineTuned.calibration?.bins.length ?? 15} bins` +
        `${fineTuned.calibration?.temperature ? `, temperature-scaled` : ''}): ${calibration.join(', ')}`,
    );
  for (const [name, metrics] of models) {
    if (!metrics) continue;
    const perClassRows = metrics.perClass.map((entry) => [
      entry.className,
      String(entry.support),
      value(entry.sensitivity),
      value(entry.specificity),
      value(entry.precision),
      value(entry.npv),
      value(entry.f1),
      value(entry.auc),
    ]);
    parts.push(
      `\nPer class, ${name} (argmax)`,
      renderTable(['class', 'n', 'sensitivity', 'specificity', 'precision', 'NPV', 'F1', 'AUC'], perClassRows),
    );
  }
  return parts.join('\n');
}

const meanSd = (entry: MeanSd | null | undefined, format: (n: number) => string = (n) => n.toFixed(3)): string => {
  if (!entry) return '–';
  return entry.sd === null ? format(entry.mean) : `${format(entry.mean)} ± ${entry.sd.toFixed(3)}`;
};

/** Mean ± sd across a repeated experiment's seeds, fine-tuned, scratch and the gain. */
export function formatSeedSummary(summary: SeedSummary): string {
  const fineTuned = summary.models['fine-tuned'];
  const scratch = summary.models.scratch;
  const rows: [string, keyof SeedMetricSummary][] = [
    ['ROC AUC', 'auc'],
    ['Balanced accuracy', 'balancedAccuracy'],
    ['Sensitivity', 'sensitivity'],
    ['Specificity', 'specificity'],
    ['Accuracy (argmax)', 'accuracy'],
  ];
  const header = scratch ? ['', 'fine-tuned', 'scratch', 'gain'] : ['', 'fine-tuned'];
  const body = rows.map(([label, key]) => {
    const row = [label, meanSd(fineTuned?.[key])];
    if (scratch)
      row.push(
        meanSd(scratch[key]),
        meanSd(summary.gain?.[key], (n) => `${n >= 0 ? '+' : ''}${n.toFixed(3)}`),
      );
    return row;
  });
  const completed = summary.statuses.filter((status) => status === 'completed').length;
  const title =
    `Across ${summary.seeds.length} seeds ` +
    `(${summary.seeds.join(', ')}${completed < summary.seeds.length ? `; ${completed} completed` : ''}): ` +
    `mean ± sd (n − 1) on the ${summary.evaluationSplit} split; ` +
    "sensitivity, specificity and balanced accuracy at each run's operating point";
  return [title, renderTable(header, body)].join('\n');
}
