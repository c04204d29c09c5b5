// The label-efficiency chart of a study (uPlot, as the other charts): labels per class on a log
// axis, each model's mean over seeds with its 95% interval as error bars, its fitted learning
// curve, the goal as a dashed line and the crossover marked. The canvas has a text description
// and a legend beside it; the numbers are in the points table under it.
import uPlot from 'uplot';
import { el, replaceChildren, uniqueId } from '../common/dom';
import type { ThemeColors } from '../common/themeColors';
import { formatLabelCount, labelRange, METRIC_LABELS, MODEL_LABELS, valueRange } from './studyChartData';
import type { LabelEfficiencyData, ModelCurve } from './studyChartData';

const HEIGHT = 320;

function modelColor(model: ModelCurve['model'], colors: ThemeColors): string {
  return model === 'fine-tuned' ? colors.blue : colors.orange;
}

export class LabelEfficiencyChart {
  readonly element: HTMLElement;
  private readonly plotElement = el('div', { className: 'chart-plot study-chart-plot', attrs: { role: 'img' } });
  private readonly legend = el('div', { className: 'chart-legend study-legend' });
  private readonly title = el('figcaption', { className: 'chart-title' });
  private plot: uPlot | null = null;
  private data: LabelEfficiencyData | null = null;
  private colors: ThemeColors | null = null;
  private width = 0;
  private readonly resizeObserver: ResizeObserver;

  constructor() {
    const titleId = uniqueId('chart-title');
    this.title.id = titleId;
    this.element = el('figure', { className: 'chart study-chart', attrs: { 'aria-labelledby': titleId } }, [
      el('div', { className: 'chart-head' }, [this.title]),
      this.plotElement,
      this.legend,
    ]);
    this.plotElement.style.height = `${HEIGHT}px`;
    this.resizeObserver = new ResizeObserver(() => {
      const width = Math.floor(this.plotElement.clientWidth);
      if (width > 0 && width !== this.width) this.rebuild();
    });
    this.resizeObserver.observe(this.element);
  }

  update(data: LabelEfficiencyData, colors: ThemeColors): void {
    if (data === this.data && colors === this.colors) return;
    this.data = data;
    this.colors = colors;
    const metric = METRIC_LABELS[data.metric];
    this.title.textContent = `${metric} by labels per class${data.series.label ? ` · ${data.series.label}` : ''}`;
    this.buildLegend(data, colors);
    this.describe(data);
    this.rebuild();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  /** x: the fitted curves' grid and every measured label count, ascending (uPlot's aligned data). */
  private aligned(data: LabelEfficiencyData): { x: number[]; columns: (number | null)[][] } {
    const measured = data.models.flatMap((model) => model.points.map((point) => point.labelsPerClass));
    const x = [...new Set([...data.grid, ...measured])].sort((a, b) => a - b);
    const columns = data.models.flatMap((model) => {
      const means = new Map(model.points.map((point) => [point.labelsPerClass, point.mean]));
      const fitted = new Map(data.grid.map((n, index) => [n, model.fitted?.[index] ?? null]));
      return [x.map((n) => means.get(n) ?? null), x.map((n) => fitted.get(n) ?? null)];
    });
    return { x, columns };
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    const data = this.data;
    const colors = this.colors;
    this.width = Math.floor(this.plotElement.clientWidth);
    if (!data || !colors || this.width <= 0) return;
    const { x, columns } = this.aligned(data);
    const font = `11px ${colors.fontFamily}`;
    const axis = (label: string): uPlot.Axis => ({
      stroke: colors.muted,
      font,
      labelFont: font,
      label,
      labelSize: 16,
      labelGap: 0,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1, size: 4 },
    });
    const width = colors.highContrast ? 2.5 : 2;
    const series: uPlot.Series[] = [{}];
    for (const model of data.models) {
      const color = modelColor(model.model, colors);
      series.push({
        label: `${MODEL_LABELS[model.model]} (mean of seeds)`,
        stroke: color,
        width: 0,
        paths: () => null,
        points: { show: true, size: 8, fill: color, stroke: color },
      });
      series.push({
        label: `${MODEL_LABELS[model.model]} (fitted)`,
        stroke: color,
        width,
        spanGaps: true,
        points: { show: false },
      });
    }
    const [low, high] = valueRange(data);
    const [first, last] = labelRange(data);
    const ticks = [...new Set(data.models.flatMap((model) => model.points.map((point) => point.labelsPerClass)))].sort(
      (a, b) => a - b,
    );
    const options: uPlot.Options = {
      width: this.width,
      height: HEIGHT,
      legend: { show: false },
      padding: [12, 16, 0, 4],
      scales: {
        x: { time: false, distr: 3, log: 10, range: () => [first, last] },
        y: { range: () => [low, high] },
      },
      axes: [
        {
          ...axis('labels per class (log scale)'),
          size: 28,
          // Ticks at the label counts measured: the points' own x values, not 1-2-5 steps between them.
          splits: () => ticks,
          // A log axis labels only 1-2-5 steps by default: label every measured count.
          filter: (_plot, splits) => splits,
          // uPlot passes null for a split it left out.
          values: (_plot, splits) =>
            splits.map((value: number | null) => (value === null ? '' : formatLabelCount(value))),
        },
        {
          ...axis(METRIC_LABELS[data.metric]),
          size: 48,
          values: (_plot, splits) => splits.map((value) => value.toFixed(2)),
        },
      ],
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      series,
      hooks: { draw: [(plot) => this.drawMarks(plot, data, colors)] },
    };
    this.plot = new uPlot(options, [x, ...columns], this.plotElement);
  }

  /** Error bars of the measured points, the goal line and the crossover, on top of the series. */
  private drawMarks(plot: uPlot, data: LabelEfficiencyData, colors: ThemeColors): void {
    const context = plot.ctx;
    const ratio = uPlot.pxRatio;
    const { left, top, width, height } = plot.bbox;
    context.save();
    context.lineWidth = (colors.highContrast ? 2 : 1.5) * ratio;
    for (const model of data.models) {
      context.strokeStyle = modelColor(model.model, colors);
      // Nudge the two models apart a little so overlapping bars stay readable.
      const nudge = (model.model === 'fine-tuned' ? -3 : 3) * ratio;
      for (const point of model.points) {
        const px = plot.valToPos(point.labelsPerClass, 'x', true) + nudge;
        const lowY = plot.valToPos(point.low, 'y', true);
        const highY = plot.valToPos(point.high, 'y', true);
        context.beginPath();
        context.moveTo(px, lowY);
        context.lineTo(px, highY);
        context.moveTo(px - 4 * ratio, lowY);
        context.lineTo(px + 4 * ratio, lowY);
        context.moveTo(px - 4 * ratio, highY);
        context.lineTo(px + 4 * ratio, highY);
        context.stroke();
      }
    }
    context.font = `${10 * ratio}px ${colors.fontFamily}`;
    context.fillStyle = colors.foreground;
    context.strokeStyle = colors.foreground;
    context.lineWidth = ratio;
    context.setLineDash([6 * ratio, 4 * ratio]);
    if (data.goal !== null) {
      // Thin lines on a pixel's centre stay crisp.
      const y = Math.round(plot.valToPos(data.goal, 'y', true)) + 0.5;
      context.beginPath();
      context.moveTo(left, y);
      context.lineTo(left + width, y);
      context.stroke();
      // At the right end, away from the y axis' own 0.90.
      context.textBaseline = 'bottom';
      context.textAlign = 'right';
      context.fillText(`goal ${data.goal.toFixed(2)}`, left + width - 4 * ratio, y - 2 * ratio);
      context.textAlign = 'left';
    }
    if (data.crossover !== null) {
      const x = Math.round(plot.valToPos(data.crossover, 'x', true)) + 0.5;
      if (x >= left && x <= left + width) {
        context.setLineDash([2 * ratio, 3 * ratio]);
        context.beginPath();
        context.moveTo(x, top);
        context.lineTo(x, top + height);
        context.stroke();
        context.textBaseline = 'top';
        context.fillText(`crossover ≈ ${formatLabelCount(data.crossover)}`, x + 4 * ratio, top + 2 * ratio);
      }
    }
    context.restore();
  }

  private buildLegend(data: LabelEfficiencyData, colors: ThemeColors): void {
    const item = (text: string, color: string, className = ''): HTMLElement => {
      const swatch = el('span', { className: `legend-swatch ${className}`, attrs: { 'aria-hidden': 'true' } });
      swatch.style.setProperty('--swatch-color', color);
      return el('span', { className: 'legend-item static' }, [swatch, el('span', { text })]);
    };
    replaceChildren(this.legend, [
      ...data.models.map((model) =>
        item(
          `${MODEL_LABELS[model.model]}: mean of seeds with 95% interval${model.fit ? ', fitted curve' : ''}`,
          modelColor(model.model, colors),
        ),
      ),
      data.goal === null ? null : item(`Goal ${data.goal.toFixed(2)}`, colors.foreground, 'dashed'),
      data.crossover === null
        ? null
        : item(`Crossover ≈ ${formatLabelCount(data.crossover)} labels per class`, colors.foreground, 'dashed'),
    ]);
  }

  private describe(data: LabelEfficiencyData): void {
    const metric = METRIC_LABELS[data.metric];
    const parts = data.models.map((model) => {
      const points = model.points
        .map((point) => `${formatLabelCount(point.labelsPerClass)} labels ${point.mean.toFixed(3)}`)
        .join(', ');
      return `${MODEL_LABELS[model.model]}: ${points || 'no completed points'}`;
    });
    const goal = data.goal === null ? '' : ` Goal ${data.goal.toFixed(2)}.`;
    const crossover = data.crossover === null ? '' : ` Crossover at about ${formatLabelCount(data.crossover)}.`;
    this.plotElement.setAttribute(
      'aria-label',
      `${metric} by labels per class, log scale. ${parts.join('; ')}.${goal}${crossover}`,
    );
  }
}
