// The comparison the user runs the experiment for: fine-tuned vs scratch, headline numbers
// with the transfer gain, then the per-class clinical metrics.
import type { EvaluatedModel } from '../../shared/run/events';
import type { ClinicalMetrics } from '../../shared/run/metrics';

type Row = string[];

function renderTable(header: Row, rows: Row[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: Row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

const value = (number: number | null | undefined): string => (number === null || number === undefined ? '–' : number.toFixed(3));
const signed = (number: number | null): string => (number === null ? '–' : `${number >= 0 ? '+' : ''}${number.toFixed(3)}`);

export function formatComparison(evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>>, split: string): string {
  const fineTuned = evaluations['fine-tuned'];
  if (!fineTuned) return 'No evaluation: the run ended before the evaluate phase.';
  const scratch = evaluations.scratch;
  const positive = fineTuned.positiveClass !== null ? fineTuned.perClass[fineTuned.positiveClass]?.className : undefined;
  const headline: [string, (metrics: ClinicalMetrics) => number | null][] = [
    [fineTuned.positiveClass !== null ? 'ROC AUC' : 'ROC AUC (macro, one-vs-rest)', (m) => m.auc],
    ['Balanced accuracy', (m) => m.balancedAccuracy],
    ...(positive !== undefined ? ([[`Sensitivity (${positive})`, (m) => m.sensitivity], ['Specificity', (m) => m.specificity]] as [string, (metrics: ClinicalMetrics) => number | null][]) : []),
    ['Accuracy', (m) => m.accuracy],
  ];
  const header = scratch ? ['', 'fine-tuned', 'scratch', 'gain'] : ['', 'fine-tuned'];
  const rows = headline.map(([label, pick]) => {
    const ours = pick(fineTuned);
    if (!scratch) return [label, value(ours)];
    const theirs = pick(scratch);
    return [label, value(ours), value(theirs), signed(ours === null || theirs === null ? null : ours - theirs)];
  });
  const parts = [`Results on the ${split} split (${fineTuned.count} images)`, renderTable(header, rows)];
  const models: [string, ClinicalMetrics | undefined][] = [['fine-tuned', fineTuned], ['scratch', scratch]];
  for (const [name, metrics] of models) {
    if (!metrics) continue;
    const perClassRows = metrics.perClass.map((entry) => [entry.className, String(entry.support), value(entry.sensitivity), value(entry.specificity), value(entry.precision), value(entry.npv), value(entry.f1), value(entry.auc)]);
    parts.push(`\nPer class, ${name}`, renderTable(['class', 'n', 'sensitivity', 'specificity', 'precision', 'NPV', 'F1', 'AUC'], perClassRows));
  }
  return parts.join('\n');
}
