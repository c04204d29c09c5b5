// Training curves per model: loss (train solid, validation dashed) and validation AUC by epoch.
import type { EpochRecord } from '../../../shared/run/runState';
import type { TrainingPhase } from '../../../shared/run/events';
import type { Section } from '../document';
import { formatNumber } from '../reportFormat';
import type { ReportData } from '../reportData';
import { lineChartSvg } from '../svgCharts';
import type { ChartSeries } from '../svgCharts';

const CURVES: { name: string; phases: TrainingPhase[]; color: string }[] = [
  { name: 'Fine-tuned', phases: ['head', 'finetune'], color: '#0969da' },
  { name: 'From scratch', phases: ['scratch'], color: '#cf222e' },
  { name: 'Source pretraining', phases: ['source'], color: '#8250df' },
];

function points(records: EpochRecord[], value: (record: EpochRecord) => number | null): [number, number][] {
  return records.flatMap((record, index) => {
    const y = value(record);
    return y === null || !Number.isFinite(y) ? [] : [[index + 1, y] as [number, number]];
  });
}

function domain(series: ChartSeries[], floor: number | null): [number, number] {
  const values = series.flatMap((entry) => entry.points.map(([, y]) => y));
  if (values.length === 0) return [0, 1];
  const high = Math.max(...values);
  const low = floor ?? Math.min(...values);
  return high > low ? [low, high] : [low - 0.5, high + 0.5];
}

export function trainingSection(data: ReportData): Section {
  const groups = CURVES.map((curve) => ({
    ...curve,
    records: data.state.epochs.filter((record) => curve.phases.includes(record.phase)),
  })).filter((group) => group.records.length > 0);
  if (groups.length === 0)
    return {
      id: 'training',
      title: 'Training curves',
      blocks: [{ kind: 'paragraph', text: 'No epoch finished in this run.' }],
    };
  const loss: ChartSeries[] = groups.flatMap((group) => [
    { name: `${group.name} train`, color: group.color, points: points(group.records, (r) => r.metrics.loss) },
    {
      name: `${group.name} validation`,
      color: group.color,
      dashed: true,
      points: points(group.records, (r) => r.metrics.valLoss),
    },
  ]);
  const auc: ChartSeries[] = groups.map((group) => ({
    name: group.name,
    color: group.color,
    points: points(group.records, (r) => r.metrics.valAuc),
  }));
  const epochs = Math.max(...groups.map((group) => group.records.length));
  const svgs = [
    lineChartSvg({
      title: 'Loss by epoch',
      xLabel: 'epoch',
      yLabel: 'cross-entropy',
      x: [1, Math.max(2, epochs)],
      y: domain(loss, 0),
      series: loss,
    }),
    lineChartSvg({
      title: 'Validation AUC by epoch',
      xLabel: 'epoch',
      yLabel: 'AUC',
      x: [1, Math.max(2, epochs)],
      y: [0.4, 1],
      series: auc,
    }),
  ];
  const rows = groups.map((group) => {
    const last = group.records[group.records.length - 1];
    const best = Math.max(...group.records.map((r) => r.metrics.valAuc ?? -1));
    return [
      group.name,
      String(group.records.length),
      formatNumber(last?.metrics.loss),
      formatNumber(last?.metrics.valLoss),
      best >= 0 ? formatNumber(best) : '–',
    ];
  });
  return {
    id: 'training',
    title: 'Training curves',
    blocks: [
      { kind: 'charts', svgs, markdown: 'The loss and validation AUC curves are drawn in report.html.' },
      {
        kind: 'paragraph',
        text: 'Fine-tuned: the head phase then the fine-tuning phase, in one line. Dashed: validation.',
      },
      {
        kind: 'table',
        header: ['Model', 'Epochs', 'Last train loss', 'Last validation loss', 'Best validation AUC'],
        rows,
      },
    ],
  };
}
