// The Evaluation tab: how sure the numbers are and at which operating point. Fine-tuned vs scratch
// with 95% CIs and the transfer gain, DeLong's test, ROC and precision–recall curves overlaid
// (one class at a time for more than two classes), and the reliability diagram with each
// model's expected calibration error.
import type { ClinicalMetrics, Interval, ModelComparison } from '../../../src/shared/run/metrics';
import type { RunState } from '../../../src/shared/run/runState';
import { el, replaceChildren } from '../common/dom';
import { toolkitDropdown } from '../common/toolkit';
import {
  curveClasses,
  curvesFor,
  formatInterval,
  formatP,
  formatSignedInterval,
  hasClinicalEvaluation,
  MODELS,
  operatingPointXY,
  ruleText,
} from './evaluationData';
import type { ModelCurves, ModelName } from './evaluationData';
import { UnitPlot } from './unitPlot';
import type { PlotBar, PlotLine, PlotMarker } from './unitPlot';
import { counted } from '../../../src/shared/text/plural';

const LABEL: Readonly<Record<ModelName, string>> = { 'fine-tuned': 'fine-tuned', scratch: 'scratch' };
const seriesClass = (model: ModelName) => `series-${model}`;

export interface EvaluationViewActions {
  setClass(classIndex: number): void;
}

export class EvaluationView {
  readonly element = el('div', { className: 'evaluation-view' });
  private readonly roc = new UnitPlot({
    title: 'ROC curve',
    xLabel: '1 − specificity',
    yLabel: 'sensitivity',
    className: 'roc-plot',
  });
  private readonly pr = new UnitPlot({
    title: 'Precision–recall',
    xLabel: 'recall',
    yLabel: 'precision',
    className: 'pr-plot',
  });
  private readonly reliability = new UnitPlot({
    title: 'Reliability diagram',
    xLabel: 'mean predicted probability',
    yLabel: 'observed frequency',
    className: 'reliability-plot',
  });
  private rendered: {
    evaluations: RunState['evaluations'];
    comparison: ModelComparison | null;
    classIndex: number | null;
  } | null = null;

  constructor(private readonly actions: EvaluationViewActions) {}

  update(state: RunState, chosenClass: number | null): void {
    const last = this.rendered;
    if (
      last &&
      last.evaluations === state.evaluations &&
      last.comparison === state.comparison &&
      last.classIndex === chosenClass
    )
      return;
    this.rendered = { evaluations: state.evaluations, comparison: state.comparison, classIndex: chosenClass };
    if (!hasClinicalEvaluation(state)) {
      const text =
        state.status === 'running'
          ? 'The models have not been evaluated yet.'
          : 'This run has no confidence intervals, curves or calibration ' +
            '(recorded before MedTransfer computed them, or the run ended before its evaluation).';
      replaceChildren(this.element, [el('p', { className: 'empty-note', text })]);
      return;
    }
    const classes = curveClasses(state);
    const shown = classes.find((entry) => entry.index === chosenClass) ?? classes[0];
    const curves = shown ? curvesFor(state, shown.index) : [];
    const split = state.evaluationSplit === 'val' ? 'validation split' : 'test split';
    const first = curves[0]?.metrics;
    const calibrationKind =
      first?.calibration?.kind === 'top-label'
        ? 'top-label confidence'
        : `probability of ${shown?.name ?? 'the positive class'}`;
    this.drawRoc(curves);
    this.drawPr(curves);
    this.drawReliability(curves);
    replaceChildren(this.element, [
      el('section', { className: 'table-section' }, [
        el('h2', { className: 'section-title', text: `Fine-tuned vs scratch · ${split}` }),
        comparisonTable(state, curves),
        delongText(state.comparison),
        el('p', { className: 'table-note', text: intervalNote(first) }),
      ]),
      el('section', { className: 'chart-section', attrs: { 'aria-label': 'Evaluation curves' } }, [
        el('div', { className: 'toolbar' }, [
          classes.length > 1 && shown
            ? el('label', { className: 'control' }, [
                el('span', { className: 'control-label', text: 'Class (one-vs-rest)' }),
                toolkitDropdown(
                  'Class of the ROC and precision–recall curves',
                  classes.map((entry) => ({ value: String(entry.index), label: entry.name })),
                  String(shown.index),
                  (value) => this.actions.setClass(Number(value)),
                ),
              ])
            : el('span', { className: 'hint', text: shown ? `Curves for ${shown.name} (the positive class)` : '' }),
          el('span', { className: 'hint', text: `Reliability: ${calibrationKind}` }),
        ]),
        el('div', { className: 'unit-plot-grid' }, [this.roc.element, this.pr.element, this.reliability.element]),
      ]),
    ]);
  }

  private drawRoc(curves: ModelCurves[]): void {
    const lines: PlotLine[] = curves.map(({ model, roc }) => ({
      className: seriesClass(model),
      label: `${LABEL[model]} · AUC ${roc?.auc?.toFixed(3) ?? '–'}`,
      points: (roc?.points ?? []).map((point) => ({ x: point.fpr, y: point.tpr })),
    }));
    const markers: PlotMarker[] = curves.flatMap(({ model, metrics }) => {
      const xy = operatingPointXY(metrics);
      return xy && metrics.operatingPoint
        ? [
            {
              className: seriesClass(model),
              label: `${LABEL[model]} at threshold ${metrics.operatingPoint.threshold.toFixed(3)}`,
              ...xy,
            },
          ]
        : [];
    });
    this.roc.update({ lines, markers, reference: { kind: 'diagonal' } });
  }

  private drawPr(curves: ModelCurves[]): void {
    const lines: PlotLine[] = curves.map(({ model, pr }) => ({
      className: seriesClass(model),
      label: `${LABEL[model]} · AP ${pr?.averagePrecision?.toFixed(3) ?? '–'}`,
      step: true,
      points: (pr?.points ?? []).map((point) => ({ x: point.recall, y: point.precision })),
    }));
    const prevalence = curves.find((entry) => entry.pr?.prevalence !== null && entry.pr?.prevalence !== undefined)?.pr
      ?.prevalence;
    this.pr.update({
      lines,
      ...(prevalence !== undefined && prevalence !== null
        ? { reference: { kind: 'horizontal', y: prevalence, label: `chance: prevalence ${prevalence.toFixed(3)}` } }
        : {}),
    });
  }

  private drawReliability(curves: ModelCurves[]): void {
    const withCalibration = curves.filter((entry) => entry.calibration);
    const bars: PlotBar[] = withCalibration.flatMap(({ model, calibration }, slot) =>
      (calibration?.bins ?? []).flatMap((bin) =>
        bin.fractionPositive === null
          ? []
          : [
              {
                className: seriesClass(model),
                label:
                  `${LABEL[model]}: ${counted(bin.count, 'case')} ` +
                  `predicted ${bin.lower.toFixed(2)}–${bin.upper.toFixed(2)} ` +
                  `(mean ${bin.meanPredicted?.toFixed(3) ?? '–'}), observed ${bin.fractionPositive.toFixed(3)}`,
                from: bin.lower,
                to: bin.upper,
                height: bin.fractionPositive,
                slot,
                of: withCalibration.length,
              },
            ],
      ),
    );
    const lines: PlotLine[] = withCalibration.map(({ model, calibration }) => ({
      className: seriesClass(model),
      label:
        `${LABEL[model]} · ECE ${calibration?.ece?.toFixed(3) ?? '–'}` +
        `${calibration?.temperature ? ` (T ${calibration.temperature.toFixed(2)})` : ''}`,
      points: (calibration?.bins ?? []).flatMap((bin) =>
        bin.meanPredicted === null || bin.fractionPositive === null
          ? []
          : [{ x: bin.meanPredicted, y: bin.fractionPositive }],
      ),
    }));
    this.reliability.update({ lines, bars, reference: { kind: 'diagonal' } });
  }
}

interface Row {
  label: string;
  value: (metrics: ClinicalMetrics) => number | null;
  interval: (metrics: ClinicalMetrics) => Interval | null | undefined;
  gain: (comparison: ModelComparison) => Interval | null;
}

function rows(positiveName: string | null, binary: boolean): Row[] {
  // Binary: sensitivity, specificity and balanced accuracy at the model's operating point.
  const atPoint = (metrics: ClinicalMetrics, key: 'sensitivity' | 'specificity' | 'balancedAccuracy') =>
    metrics.operatingPoint ? metrics.operatingPoint[key] : metrics[key];
  const list: Row[] = [
    {
      label: binary ? 'AUC' : 'AUC (macro)',
      value: (m) => m.auc,
      interval: (m) => m.intervals?.auc,
      gain: (c) => c.gain.auc,
    },
  ];
  if (binary) {
    list.push(
      {
        label: `Sensitivity${positiveName ? ` (${positiveName})` : ''}`,
        value: (m) => atPoint(m, 'sensitivity'),
        interval: (m) => m.intervals?.sensitivity,
        gain: (c) => c.gain.sensitivity,
      },
      {
        label: 'Specificity',
        value: (m) => atPoint(m, 'specificity'),
        interval: (m) => m.intervals?.specificity,
        gain: (c) => c.gain.specificity,
      },
    );
  }
  list.push({
    label: 'Balanced accuracy',
    value: (m) => atPoint(m, 'balancedAccuracy'),
    interval: (m) => m.intervals?.balancedAccuracy,
    gain: (c) => c.gain.balancedAccuracy,
  });
  return list;
}

function comparisonTable(state: RunState, curves: ModelCurves[]): HTMLElement {
  const byModel = new Map(curves.map((entry) => [entry.model, entry.metrics]));
  const first = curves[0]?.metrics;
  const binary = first?.positiveClass !== null && first?.positiveClass !== undefined;
  const positiveName = binary && first ? (first.perClass[first.positiveClass as number]?.className ?? null) : null;
  const comparison = state.comparison;
  const body = rows(positiveName, binary).map((row) =>
    el('tr', {}, [
      el('th', { text: row.label, attrs: { scope: 'row' } }),
      ...MODELS.map((model) => {
        const metrics = byModel.get(model);
        return el('td', {
          className: 'number',
          text: metrics ? formatInterval(row.interval(metrics), row.value(metrics)) : '–',
          attrs: { 'data-model': model },
        });
      }),
      el('td', {
        className: 'number',
        text: comparison ? formatSignedInterval(row.gain(comparison)) : '–',
        attrs: { 'data-model': 'gain' },
      }),
    ]),
  );
  const threshold = (model: ModelName) => {
    const metrics = byModel.get(model);
    return metrics?.operatingPoint ? `${metrics.operatingPoint.threshold.toFixed(3)} (${ruleText(metrics)})` : '–';
  };
  const calibration = (model: ModelName) => {
    const c = byModel.get(model)?.calibration;
    return c ? `${c.ece?.toFixed(3) ?? '–'}${c.temperature ? `, T ${c.temperature.toFixed(2)}` : ''}` : '–';
  };
  if (binary)
    body.push(
      el('tr', {}, [
        el('th', { text: 'Threshold', attrs: { scope: 'row' } }),
        ...MODELS.map((model) => el('td', { className: 'number', text: threshold(model) })),
        el('td', { text: '' }),
      ]),
    );
  body.push(
    el('tr', {}, [
      el('th', { text: 'ECE', attrs: { scope: 'row', title: 'Expected calibration error' } }),
      ...MODELS.map((model) => el('td', { className: 'number', text: calibration(model) })),
      el('td', { text: '' }),
    ]),
  );
  return el(
    'div',
    {
      className: 'table-scroll',
      attrs: { role: 'region', 'aria-label': 'Fine-tuned vs scratch with confidence intervals', tabindex: 0 },
    },
    [
      el('table', { className: 'metrics-table comparison-table' }, [
        el('thead', {}, [
          el('tr', {}, [
            el('th', { text: 'Metric [95% CI]', attrs: { scope: 'col' } }),
            el('th', { className: 'model-fine-tuned', text: 'Fine-tuned', attrs: { scope: 'col' } }),
            el('th', { className: 'model-scratch', text: 'Scratch', attrs: { scope: 'col' } }),
            el('th', { text: 'Gain', attrs: { scope: 'col', title: 'Fine-tuned minus scratch, paired bootstrap' } }),
          ]),
        ]),
        el('tbody', {}, body),
      ]),
    ],
  );
}

function delongText(comparison: ModelComparison | null): HTMLElement {
  const test = comparison?.delong;
  if (!test)
    return el('p', {
      className: 'delong',
      text: comparison
        ? 'DeLong’s test applies to binary tasks.'
        : 'No comparison: the run has one model, or was recorded before comparisons.',
    });
  const level = Math.round((comparison.bootstrap?.level ?? 0.95) * 100);
  return el('p', { className: 'delong' }, [
    el('strong', { text: 'DeLong’s test' }),
    ` (paired, same cases): AUC ${test.fineTunedAuc.toFixed(3)} vs ${test.scratchAuc.toFixed(3)}, ` +
      `difference ${formatSignedInterval({ estimate: test.aucDifference, low: test.ci.low, high: test.ci.high })} ` +
      `(${level}% CI), z ${test.z === null ? '–' : test.z.toFixed(2)}, `,
    el('span', { className: 'p-value', text: `p ${formatP(test.pValue)}` }),
  ]);
}

function intervalNote(metrics: ClinicalMetrics | undefined): string {
  const bootstrap = metrics?.intervals?.bootstrap;
  const intervals = bootstrap
    ? `Intervals: ${bootstrap.resamples.toLocaleString('en-US')} stratified bootstrap resamples ` +
      `(seed ${bootstrap.seed}), percentile ${Math.round(bootstrap.level * 100)}%. `
    : 'No bootstrap intervals in this run. ';
  if (!metrics?.operatingPoint) return `${intervals}Balanced accuracy (mean recall) at the argmax.`;
  const chosen = metrics.operatingPoint.chosenOn === 'val' ? ', chosen on the validation split' : '';
  return `${intervals}Sensitivity, specificity and balanced accuracy at each model’s threshold${chosen}.`;
}
