// Summary (fine-tuned vs scratch with intervals and DeLong's test), the experiment's settings and
// the data per class and split.
import { basename } from 'node:path';
import type { EvaluatedModel } from '../../../shared/run/events';
import type { ClinicalMetrics } from '../../../shared/run/metrics';
import { flattenSettings } from '../../../shared/webview/protocol';
import type { Section } from '../document';
import { formatInterval, formatNumber, formatP, formatWithSign } from '../reportFormat';
import type { ReportData } from '../reportData';
import { runEndWarning } from './runEnd';

export const MODEL_TITLES: Record<EvaluatedModel, string> = { 'fine-tuned': 'Fine-tuned', scratch: 'From scratch' };

export function finalMetrics(data: ReportData): Partial<Record<EvaluatedModel, ClinicalMetrics>> {
  return data.metrics?.models ?? data.state.evaluations;
}

export function summarySection(data: ReportData): Section {
  const models = finalMetrics(data);
  const split = data.metrics?.evaluationSplit ?? data.state.evaluationSplit ?? 'test';
  const rows = (['fine-tuned', 'scratch'] as const).flatMap((name) => {
    const m = models[name];
    if (!m) return [];
    const i = m.intervals;
    return [
      [
        MODEL_TITLES[name],
        String(m.count),
        formatInterval(m.auc, i?.auc),
        formatInterval(m.balancedAccuracy, i?.balancedAccuracy),
        formatInterval(m.sensitivity, i?.sensitivity),
        formatInterval(m.specificity, i?.specificity),
        formatNumber(m.accuracy),
      ],
    ];
  });
  const comparison = data.metrics?.comparison ?? data.state.comparison;
  const gain = data.metrics?.transferGain;
  if (models['fine-tuned'] && models.scratch) {
    const g = comparison?.gain;
    const interval = (
      value: number | null | undefined,
      ci: { estimate: number; low: number; high: number } | null | undefined,
    ) =>
      ci
        ? `${formatWithSign(ci.estimate, 3)} (${formatWithSign(ci.low, 3)} to ${formatWithSign(ci.high, 3)})`
        : formatWithSign(value, 3);
    rows.push([
      'Gain (fine-tuned − scratch)',
      '',
      interval(gain?.auc, g?.auc),
      interval(gain?.balancedAccuracy, g?.balancedAccuracy),
      interval(gain?.sensitivity, g?.sensitivity),
      interval(null, g?.specificity),
      '',
    ]);
  }
  const blocks: Section['blocks'] = [];
  const ended = runEndWarning(data);
  if (ended) blocks.push(ended);
  const level = models['fine-tuned']?.intervals?.bootstrap.level ?? comparison?.bootstrap?.level;
  const intervalNote = level
    ? `Brackets: ${Math.round(level * 100)}% confidence intervals from a stratified bootstrap ` +
      `(${models['fine-tuned']?.intervals?.bootstrap.resamples ?? comparison?.bootstrap?.resamples ?? '?'} resamples).`
    : 'This run has no confidence intervals ' +
      '(recorded before they existed, or with evaluation.bootstrap.resamples: 0).';
  const threshold = models['fine-tuned']?.intervals?.threshold;
  blocks.push({
    kind: 'table',
    caption: `On the ${split} split`,
    header: ['Model', 'n', 'AUC', 'Balanced accuracy', 'Sensitivity', 'Specificity', 'Accuracy'],
    rows,
  });
  blocks.push({
    kind: 'paragraph',
    text:
      intervalNote +
      (threshold !== undefined && threshold !== null
        ? ' Sensitivity, specificity and balanced accuracy with intervals ' +
          'are at each model’s operating point (see Operating point); without intervals, at 0.5.'
        : ''),
  });
  const delong = comparison?.delong;
  if (delong) {
    blocks.push({
      kind: 'paragraph',
      text:
        `DeLong’s test for the AUC difference on the same cases (${delong.className}): ` +
        `${formatNumber(delong.fineTunedAuc)} vs ${formatNumber(delong.scratchAuc)}, ` +
        `difference ${formatWithSign(delong.aucDifference, 3)} ` +
        `(CI ${formatWithSign(delong.ci.low, 3)} to ${formatWithSign(delong.ci.high, 3)}), ` +
        `z = ${formatNumber(delong.z, 2)}, ` +
        `${delong.pValue < 0.001 ? 'p < 0.001' : `p = ${formatP(delong.pValue)}`}.`,
    });
  }
  return { id: 'summary', title: 'Summary', blocks };
}

/** Dataset paths are shown by their last part: a report is shared, the folder layout need not be. */
function shownSetting(key: string, value: string | number | boolean | null): string {
  if (value === null) return '–';
  if (typeof value === 'string' && /(^|\.)(path|pretrained|labels|dir)$/.test(key)) return basename(value);
  return String(value);
}

export function experimentSection(data: ReportData): Section {
  if (!data.experiment)
    return {
      id: 'experiment',
      title: 'Experiment',
      blocks: [{ kind: 'paragraph', text: 'experiment.json is missing from this run folder.' }],
    };
  const flat = flattenSettings(data.experiment);
  const rows = Object.entries(flat)
    .filter(([key]) => key !== '$schema')
    .map(([key, value]) => [key, shownSetting(key, value)]);
  return {
    id: 'experiment',
    title: 'Experiment',
    blocks: [
      {
        kind: 'paragraph',
        text:
          'The experiment as run, every default applied (dataset paths shortened to their last part). ' +
          `Backend: ${data.state.backend ?? data.metrics?.backend ?? 'unknown'}.`,
      },
      { kind: 'table', header: ['Setting', 'Value'], rows },
    ],
  };
}

export function dataSection(data: ReportData): Section {
  const blocks: Section['blocks'] = [];
  for (const [title, summary] of [
    ['Target task', data.state.target],
    ['Source task', data.state.source],
  ] as const) {
    if (!summary) continue;
    const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    const rows = summary.classes.map((name, index) => [
      name,
      String(summary.sizes.train[index] ?? 0),
      String(summary.sizes.val[index] ?? 0),
      String(summary.sizes.test[index] ?? 0),
    ]);
    rows.push([
      'Total',
      String(total(summary.sizes.train)),
      String(total(summary.sizes.val)),
      String(total(summary.sizes.test)),
    ]);
    blocks.push({
      kind: 'table',
      caption: `${title}: ${summary.description}, images ${summary.imageShape.join('×')}`,
      header: ['Class', 'Train', 'Validation', 'Test'],
      rows,
    });
  }
  if (blocks.length === 0) blocks.push({ kind: 'paragraph', text: 'The run ended before its data was loaded.' });
  return { id: 'data', title: 'Data', blocks };
}
