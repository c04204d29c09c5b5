// Confusion matrices, per-class metrics, ROC curves, calibration and the operating point of each
// evaluated model. Curves, calibration and the operating point appear when the run has them.
import type { EvaluatedModel } from '../../../shared/run/events';
import type { ClinicalMetrics } from '../../../shared/run/metrics';
import type { Section } from '../document';
import { formatInterval, formatNumber, formatPercent } from '../reportFormat';
import type { ReportData } from '../reportData';
import { lineChartSvg } from '../svgCharts';
import type { ChartSeries } from '../svgCharts';
import { finalMetrics, MODEL_TITLES } from './overview';

const COLORS: Record<EvaluatedModel, string> = { 'fine-tuned': '#0969da', scratch: '#cf222e' };

function evaluated(data: ReportData): [EvaluatedModel, ClinicalMetrics][] {
  const models = finalMetrics(data);
  return (['fine-tuned', 'scratch'] as const).flatMap((name) => {
    const metrics = models[name];
    return metrics ? [[name, metrics] as [EvaluatedModel, ClinicalMetrics]] : [];
  });
}

function classNames(data: ReportData, metrics: ClinicalMetrics): string[] {
  return metrics.perClass.map((entry, index) => entry.className || data.metrics?.classes[index] || `class ${index}`);
}

export function evaluationSection(data: ReportData): Section {
  const blocks: Section['blocks'] = [];
  const models = evaluated(data);
  if (models.length === 0)
    return {
      id: 'evaluation',
      title: 'Evaluation',
      blocks: [{ kind: 'paragraph', text: 'No model was evaluated in this run.' }],
    };
  for (const [name, metrics] of models) {
    const classes = classNames(data, metrics);
    blocks.push({
      kind: 'table',
      caption: `${MODEL_TITLES[name]}: confusion matrix (rows: actual, columns: predicted, argmax)`,
      header: ['Actual \\ predicted', ...classes],
      rows: metrics.confusion.map((row, index) => [classes[index] ?? `class ${index}`, ...row.map(String)]),
    });
    const perClassIntervals = metrics.intervals?.perClass;
    blocks.push({
      kind: 'table',
      caption: `${MODEL_TITLES[name]}: per class (one-vs-rest)`,
      header: ['Class', 'n', 'Sensitivity', 'Specificity', 'Precision', 'NPV', 'F1', 'AUC'],
      rows: metrics.perClass.map((entry, index) => [
        classes[index] ?? entry.className,
        String(entry.support),
        formatInterval(entry.sensitivity, perClassIntervals?.[index]?.sensitivity),
        formatInterval(entry.specificity, perClassIntervals?.[index]?.specificity),
        formatNumber(entry.precision),
        formatNumber(entry.npv),
        formatNumber(entry.f1),
        formatInterval(entry.auc, perClassIntervals?.[index]?.auc),
      ]),
    });
  }
  const rocSeries: ChartSeries[] = models.flatMap(([name, metrics]) =>
    (metrics.roc ?? []).map((curve, index) => ({
      name:
        `${MODEL_TITLES[name]}${(metrics.roc?.length ?? 0) > 1 ? ` · ${curve.className}` : ''} ` +
        `(AUC ${formatNumber(curve.auc)})`,
      color: COLORS[name],
      dashed: index > 0,
      points: curve.points.map((point) => [point.fpr, point.tpr] as [number, number]),
    })),
  );
  const calibrationSeries: ChartSeries[] = models.flatMap(([name, metrics]) =>
    metrics.calibration
      ? [
          {
            name: `${MODEL_TITLES[name]} (ECE ${formatNumber(metrics.calibration.ece)})`,
            color: COLORS[name],
            markers: true,
            points: metrics.calibration.bins.flatMap((bin) =>
              bin.meanPredicted !== null && bin.fractionPositive !== null
                ? [[bin.meanPredicted, bin.fractionPositive] as [number, number]]
                : [],
            ),
          },
        ]
      : [],
  );
  const svgs: string[] = [];
  if (rocSeries.length > 0)
    svgs.push(
      lineChartSvg({
        title: 'ROC curves',
        xLabel: '1 − specificity (false-positive rate)',
        yLabel: 'sensitivity',
        x: [0, 1],
        y: [0, 1],
        series: rocSeries,
        diagonal: true,
      }),
    );
  if (calibrationSeries.length > 0)
    svgs.push(
      lineChartSvg({
        title: 'Reliability diagram',
        xLabel: 'mean predicted probability',
        yLabel: 'observed frequency',
        x: [0, 1],
        y: [0, 1],
        series: calibrationSeries,
        diagonal: true,
      }),
    );
  if (svgs.length > 0)
    blocks.push({
      kind: 'charts',
      svgs,
      markdown: 'The ROC curves and the reliability diagram are drawn in report.html.',
    });
  const calibrated = models.filter(([, metrics]) => metrics.calibration);
  if (calibrated.length > 0) {
    blocks.push({
      kind: 'table',
      caption: 'Calibration',
      header: ['Model', 'Kind', 'ECE', 'Max calibration error', 'Brier score', 'Temperature'],
      rows: calibrated.map(([name, metrics]) => {
        const c = metrics.calibration;
        return [
          MODEL_TITLES[name],
          c?.kind ?? '',
          formatNumber(c?.ece),
          formatNumber(c?.maxCalibrationError),
          formatNumber(c?.brier),
          c?.temperature ? formatNumber(c.temperature, 2) : 'none',
        ];
      }),
    });
  } else {
    blocks.push({
      kind: 'paragraph',
      text: 'This run has no ROC curves or calibration (recorded before they existed).',
    });
  }
  return { id: 'evaluation', title: 'Evaluation', blocks };
}

export function operatingPointSection(data: ReportData): Section {
  const models = evaluated(data).filter(([, metrics]) => metrics.operatingPoint);
  if (models.length === 0) {
    return {
      id: 'operating-point',
      title: 'Operating point',
      blocks: [
        {
          kind: 'paragraph',
          text:
            'No threshold was chosen in this run ' +
            '(more than two classes, or a run recorded before operating points existed): ' +
            'predictions are the most probable class.',
        },
      ],
    };
  }
  const blocks: Section['blocks'] = [
    {
      kind: 'table',
      header: [
        'Model',
        'Threshold',
        'Rule',
        'Chosen on',
        'Sensitivity',
        'Specificity',
        'Balanced accuracy',
        'Precision',
        'NPV',
        'Validation sens. / spec.',
      ],
      rows: models.map(([name, metrics]) => {
        const point = metrics.operatingPoint;
        const rule = point
          ? point.target !== null
            ? `${point.rule} ≥ ${formatPercent(point.target)}`
            : point.rule
          : '';
        return [
          MODEL_TITLES[name],
          formatNumber(point?.threshold),
          rule,
          point?.chosenOn === 'val' ? 'validation split' : 'fixed (0.5)',
          formatNumber(point?.sensitivity),
          formatNumber(point?.specificity),
          formatNumber(point?.balancedAccuracy),
          formatNumber(point?.precision),
          formatNumber(point?.npv),
          point?.validation
            ? `${formatNumber(point.validation.sensitivity)} / ${formatNumber(point.validation.specificity)}`
            : '–',
        ];
      }),
    },
    {
      kind: 'paragraph',
      text:
        'The threshold on the positive class’s probability is chosen on the validation split and then applied, ' +
        'unchanged, to the evaluated split: the numbers above are on the evaluated split.',
    },
  ];
  return { id: 'operating-point', title: 'Operating point', blocks };
}
