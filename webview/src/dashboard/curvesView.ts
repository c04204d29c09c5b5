// The Curves tab: loss, accuracy and validation AUC per epoch. The fine-tuned model (head and
// fine-tune phases on one continued axis) and the scratch baseline share each chart; the source
// pretraining has its own row. A smoothing slider applies TensorBoard's EMA to every line.
import type { EpochRecord } from '../../../src/shared/run/runState';
import { el } from '../common/dom';
import { LineChart } from '../common/lineChart';
import type { ChartLine } from '../common/lineChart';
import type { ThemeColors } from '../common/themeColors';
import { buildCurveData, CURVE_GROUPS, CURVE_METRICS } from './curveSeries';
import type { CurveData, CurveGroup, CurveGroupId, CurveMetric } from './curveSeries';
import { SmoothingControl } from './smoothingControl';
import { smooth } from '../common/smoothing';

const TARGET_METRICS: readonly CurveMetric[] = ['loss', 'accuracy', 'auc'];
const SOURCE_METRICS: readonly CurveMetric[] = ['loss', 'accuracy', 'auc'];

export function groupColor(group: CurveGroupId, colors: ThemeColors): string {
  return group === 'fine-tuned' ? colors.blue : group === 'scratch' ? colors.orange : colors.purple;
}

/** Chart lines from curve data: colour per group, validation solid, training dashed. */
export function chartLines(
  data: CurveData,
  smoothing: number,
  color: (line: CurveData['lines'][number], index: number) => string,
): ChartLine[] {
  return data.lines.map((line, index) => ({
    id: `${index}:${line.group}:${line.split}:${line.label}`,
    label: line.label,
    color: color(line, index),
    dash: line.split === 'train' ? [6, 4] : undefined,
    values: smoothing > 0 ? smooth(line.values, smoothing) : line.values,
    raw: smoothing > 0 ? line.values : null,
  }));
}

export interface CurvesViewActions {
  setSmoothing(value: number): void;
}

export class CurvesView {
  readonly element: HTMLElement;
  private readonly smoothing: SmoothingControl;
  private readonly targetCharts: LineChart[];
  private readonly sourceCharts: LineChart[];
  private readonly sourceSection: HTMLElement;
  private rendered: { epochs: readonly EpochRecord[]; smoothing: number; colors: ThemeColors } | null = null;

  constructor(actions: CurvesViewActions) {
    this.smoothing = new SmoothingControl((value) => actions.setSmoothing(value));
    const chart = (metric: CurveMetric, prefix: string): LineChart =>
      new LineChart({
        title: `${prefix}${CURVE_METRICS[metric].label}`,
        xLabel: 'epoch',
        height: 220,
        ratio: CURVE_METRICS[metric].ratio,
        syncKey: `curves-${prefix}`,
        emptyText: 'No epochs yet',
      });
    this.targetCharts = TARGET_METRICS.map((metric) => chart(metric, ''));
    this.sourceCharts = SOURCE_METRICS.map((metric) => chart(metric, 'Source · '));
    this.sourceSection = el(
      'section',
      { className: 'chart-section', attrs: { 'aria-label': 'Source pretraining curves' } },
      [
        el('h2', { className: 'section-title', text: 'Source pretraining' }),
        el(
          'div',
          { className: 'chart-grid' },
          this.sourceCharts.map((item) => item.element),
        ),
      ],
    );
    this.element = el('div', { className: 'curves-view' }, [
      el('div', { className: 'toolbar' }, [
        this.smoothing.element,
        el('span', {
          className: 'hint',
          text: 'Drag across a chart to zoom · double-click to reset · click a legend entry to hide it',
        }),
      ]),
      el('section', { className: 'chart-section', attrs: { 'aria-label': 'Target task curves' } }, [
        el('h2', { className: 'section-title' }, [
          'Target task · ',
          el('span', { className: 'model-fine-tuned', text: 'fine-tuned (head → fine-tune)' }),
          ' vs ',
          el('span', { className: 'model-scratch', text: 'scratch' }),
        ]),
        el(
          'div',
          { className: 'chart-grid' },
          this.targetCharts.map((item) => item.element),
        ),
      ]),
      this.sourceSection,
    ]);
  }

  update(epochs: readonly EpochRecord[], smoothing: number, colors: ThemeColors): void {
    this.smoothing.update(smoothing);
    const last = this.rendered;
    if (last && last.epochs === epochs && last.smoothing === smoothing && last.colors === colors) return;
    this.rendered = { epochs, smoothing, colors };
    const draw = (
      charts: readonly LineChart[],
      metrics: readonly CurveMetric[],
      groups: readonly CurveGroup[],
    ): void => {
      charts.forEach((chart, index) => {
        const metric = metrics[index];
        if (!metric) return;
        const data = buildCurveData(epochs, metric, groups);
        chart.update(
          {
            x: data.x,
            markers: data.markers,
            lines: chartLines(data, smoothing, (line) => groupColor(line.group, colors)),
          },
          colors,
        );
      });
    };
    draw(this.targetCharts, TARGET_METRICS, [CURVE_GROUPS['fine-tuned'], CURVE_GROUPS.scratch]);
    const hasSource = epochs.some((record) => record.phase === 'source');
    this.sourceSection.hidden = !hasSource;
    if (hasSource) draw(this.sourceCharts, SOURCE_METRICS, [CURVE_GROUPS.source]);
  }
}
