// A uPlot line chart that fits the webview: sized to its container (and resized with it),
// coloured from the VS Code theme, drag to zoom on x and double-click to reset (uPlot's own
// gestures), an accessible legend of toggle buttons that shows the values under the cursor,
// and optional vertical markers (phase boundaries). Smoothed lines can carry their raw values,
// drawn faded behind them as TensorBoard does.
import uPlot from 'uplot';
import { el, replaceChildren, uniqueId } from './dom';
import { MISSING } from './viewFormat';
import { withAlpha } from './themeColors';
import type { ThemeColors } from './themeColors';

export type Values = readonly (number | null)[];

export interface ChartLine {
  /** Stable identity of the line (kept hidden/shown across updates). */
  id: string;
  label: string;
  color: string;
  dash?: readonly number[];
  values: Values;
  /** Unsmoothed values, drawn faded behind `values`. */
  raw?: Values | null;
}

export interface ChartMarker {
  x: number;
  label: string;
}

export interface ChartData {
  x: readonly number[];
  lines: readonly ChartLine[];
  markers?: readonly ChartMarker[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  height: number;
  /** Values are ratios in [0, 1] (accuracy, AUC): the y range is clamped to it. */
  ratio?: boolean;
  /** Charts with the same key move their cursors together. */
  syncKey?: string;
  formatValue?: (value: number) => string;
  /** Compact: no axis labels, no legend values (sparklines). */
  compact?: boolean;
  /** Message shown while there is no data. */
  emptyText?: string;
}

export class LineChart {
  readonly element: HTMLElement;
  private readonly plotElement: HTMLElement;
  private readonly legendElement: HTMLElement;
  private readonly emptyElement: HTMLElement;
  private plot: uPlot | null = null;
  private structure = '';
  private data: ChartData = { x: [], lines: [] };
  private colors: ThemeColors | null = null;
  private readonly hidden = new Set<string>();
  private zoomed = false;
  private width = 0;
  private readonly resizeObserver: ResizeObserver;
  private legendValues: HTMLElement[] = [];
  private readonly resetButton: HTMLButtonElement;

  constructor(private readonly options: LineChartOptions) {
    const titleId = uniqueId('chart-title');
    this.plotElement = el('div', { className: 'chart-plot', attrs: { role: 'img' } });
    this.legendElement = el('div', {
      className: 'chart-legend',
      attrs: { role: 'group', 'aria-label': `${options.title}: series` },
    });
    this.emptyElement = el('p', { className: 'chart-empty', text: options.emptyText ?? 'No data yet' });
    // Double-click resets the zoom too; the button is the way from the keyboard, and says it is zoomed.
    this.resetButton = el('button', {
      className: 'chart-reset',
      text: 'Reset zoom',
      attrs: { type: 'button', hidden: true },
    });
    this.resetButton.addEventListener('click', () => this.resetZoom());
    this.element = el(
      'figure',
      { className: options.compact ? 'chart chart-compact' : 'chart', attrs: { 'aria-labelledby': titleId } },
      [
        el('div', { className: 'chart-head' }, [
          el('figcaption', { className: 'chart-title', text: options.title, attrs: { id: titleId } }),
          this.resetButton,
        ]),
        this.plotElement,
        this.emptyElement,
        options.compact ? null : this.legendElement,
      ],
    );
    this.plotElement.style.height = `${options.height}px`;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.element);
  }

  /** Shows new data; keeps the zoom while the user has zoomed in. */
  update(data: ChartData, colors: ThemeColors): void {
    this.data = data;
    const colorsChanged = colors !== this.colors;
    this.colors = colors;
    const hasData = data.x.length > 0 && data.lines.some((line) => line.values.some((value) => value !== null));
    this.emptyElement.hidden = hasData;
    this.plotElement.hidden = !hasData;
    this.legendElement.hidden = !hasData;
    const structure = JSON.stringify(
      data.lines.map((line) => [line.id, line.label, line.color, line.dash ?? null, Boolean(line.raw)]),
    );
    if (colorsChanged || structure !== this.structure || !this.plot) {
      this.structure = structure;
      this.rebuild();
    } else {
      this.plot.setData(this.aligned(), !this.zoomed);
      this.plot.redraw();
    }
    this.describe();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  /** The uPlot series index of each line (raw companions sit just before their line). */
  private seriesIndexes(): number[] {
    const indexes: number[] = [];
    let next = 1;
    for (const line of this.data.lines) {
      if (line.raw) next += 1;
      indexes.push(next);
      next += 1;
    }
    return indexes;
  }

  private aligned(): uPlot.AlignedData {
    const series: (number | null)[][] = [];
    for (const line of this.data.lines) {
      if (line.raw) series.push([...line.raw]);
      series.push([...line.values]);
    }
    return [[...this.data.x], ...series];
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    const colors = this.colors;
    this.width = Math.floor(this.plotElement.clientWidth || this.element.clientWidth);
    if (!colors || this.width <= 0) return;
    const compact = this.options.compact ?? false;
    const lineWidth = colors.highContrast ? 2.5 : compact ? 1.5 : 2;
    const series: uPlot.Series[] = [{}];
    for (const line of this.data.lines) {
      const show = !this.hidden.has(line.id);
      const dash = line.dash ? [...line.dash] : undefined;
      if (line.raw)
        series.push({
          label: `${line.label} (raw)`,
          stroke: withAlpha(line.color, colors.highContrast ? 0.5 : 0.28),
          width: 1,
          dash,
          spanGaps: true,
          show,
          points: { show: false },
        });
      series.push({
        label: line.label,
        stroke: line.color,
        width: lineWidth,
        dash,
        spanGaps: true,
        show,
        points: { size: compact ? 4 : 5, fill: line.color },
      });
    }
    const font = `11px ${colors.fontFamily}`;
    const axis = (label: string | undefined): uPlot.Axis => ({
      stroke: colors.muted,
      font,
      labelFont: font,
      label: compact ? undefined : label,
      labelSize: compact || label === undefined ? 0 : 16,
      labelGap: 0,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1, size: 4 },
      show: !compact,
    });
    const ratio = this.options.ratio ?? false;
    const options: uPlot.Options = {
      width: this.width,
      height: this.options.height,
      legend: { show: false },
      padding: compact ? [4, 2, 4, 2] : [10, 12, 0, 4],
      scales: {
        x: { time: false },
        y: {
          range: (_plot, min, max) => yRange(min, max, ratio),
        },
      },
      axes: [
        {
          ...axis(this.options.xLabel),
          size: 24,
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
          values: (_plot, splits) => splits.map((value) => (Number.isInteger(value) ? String(value) : '')),
        },
        { ...axis(undefined), size: 44, values: (_plot, splits) => splits.map((value) => formatTick(value)) },
      ],
      cursor: compact
        ? { show: false }
        : {
            drag: { x: true, y: false, setScale: true },
            sync: this.options.syncKey ? { key: this.options.syncKey, setSeries: false } : undefined,
            points: { size: 7 },
          },
      series,
      hooks: {
        setCursor: [() => this.showLegendValues()],
        setScale: [
          (plot, key) => {
            if (key === 'x') this.setZoomed(isZoomed(plot, this.data.x));
          },
        ],
        draw: [(plot) => this.drawMarkers(plot)],
      },
    };
    this.setZoomed(false);
    this.plot = new uPlot(options, this.aligned(), this.plotElement);
    this.buildLegend();
  }

  private setZoomed(zoomed: boolean): void {
    this.zoomed = zoomed;
    this.resetButton.hidden = !zoomed;
    this.element.dataset.zoomed = String(zoomed);
  }

  private resetZoom(): void {
    const first = this.data.x[0];
    const last = this.data.x[this.data.x.length - 1];
    if (this.plot && first !== undefined && last !== undefined) this.plot.setScale('x', { min: first, max: last });
  }

  private resize(): void {
    const width = Math.floor(this.plotElement.clientWidth || this.element.clientWidth);
    if (width <= 0 || width === this.width) return;
    if (!this.plot) {
      if (this.colors) this.rebuild();
      return;
    }
    this.width = width;
    this.plot.setSize({ width, height: this.options.height });
  }

  private drawMarkers(plot: uPlot): void {
    const markers = this.data.markers ?? [];
    const colors = this.colors;
    if (markers.length === 0 || !colors) return;
    const context = plot.ctx;
    const ratio = uPlot.pxRatio;
    const { left, top, width, height } = plot.bbox;
    context.save();
    context.strokeStyle = colors.muted;
    context.fillStyle = colors.muted;
    context.lineWidth = ratio;
    context.setLineDash([4 * ratio, 3 * ratio]);
    context.font = `${10 * ratio}px ${colors.fontFamily}`;
    context.textBaseline = 'top';
    for (const marker of markers) {
      const x = Math.round(plot.valToPos(marker.x, 'x', true));
      if (x < left || x > left + width) continue;
      context.beginPath();
      context.moveTo(x, top);
      context.lineTo(x, top + height);
      context.stroke();
      context.fillText(marker.label, x + 4 * ratio, top + 2 * ratio);
    }
    context.restore();
  }

  private buildLegend(): void {
    const indexes = this.seriesIndexes();
    this.legendValues = [];
    const items = this.data.lines.map((line, position) => {
      const value = el('span', { className: 'legend-value' });
      this.legendValues.push(value);
      const swatch = el('span', {
        className: line.dash ? 'legend-swatch dashed' : 'legend-swatch',
        attrs: { 'aria-hidden': 'true' },
      });
      swatch.style.setProperty('--swatch-color', line.color);
      const button = el(
        'button',
        {
          className: 'legend-item',
          attrs: {
            type: 'button',
            'aria-pressed': String(!this.hidden.has(line.id)),
            title: `Show or hide ${line.label}`,
          },
        },
        [swatch, el('span', { className: 'legend-label', text: line.label }), value],
      );
      button.addEventListener('click', () => {
        const show = this.hidden.has(line.id);
        if (show) this.hidden.delete(line.id);
        else this.hidden.add(line.id);
        button.setAttribute('aria-pressed', String(show));
        const index = indexes[position] ?? 0;
        if (line.raw) this.plot?.setSeries(index - 1, { show });
        this.plot?.setSeries(index, { show });
      });
      return button;
    });
    replaceChildren(this.legendElement, items);
    this.showLegendValues();
  }

  /** The values at the cursor, or the last value of each line when the cursor is away. */
  private showLegendValues(): void {
    const index = this.plot?.cursor.idx ?? null;
    const format = this.options.formatValue ?? formatValue;
    this.data.lines.forEach((line, position) => {
      const target = this.legendValues[position];
      if (!target) return;
      const value = index === null ? lastValue(line.values) : (line.values[index] ?? null);
      target.textContent = value === null ? MISSING : format(value);
    });
  }

  private describe(): void {
    const format = this.options.formatValue ?? formatValue;
    const parts = this.data.lines.map((line) => {
      const last = lastValue(line.values);
      return `${line.label} ${last === null ? 'no values' : `ends at ${format(last)}`}`;
    });
    this.plotElement.setAttribute(
      'aria-label',
      `${this.options.title} chart. ${parts.join('; ')}. Drag to zoom, double-click to reset.`,
    );
  }
}

export function lastValue(values: Values): number | null {
  for (let index = values.length - 1; index >= 0; index -= 1) {
    const value = values[index];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
}

function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && magnitude < 0.01) return value.toExponential(0);
  return magnitude >= 100 ? value.toFixed(0) : Number(value.toFixed(3)).toString();
}

function yRange(min: number | null, max: number | null, ratio: boolean): uPlot.Range.MinMax {
  if (min === null || max === null) return ratio ? [0, 1] : [0, 1];
  if (ratio) {
    const low = Math.max(0, Math.floor((min - 0.02) * 20) / 20);
    const high = Math.min(1, Math.ceil((max + 0.02) * 20) / 20);
    return [low, Math.max(high, low + 0.05)];
  }
  const span = max - min || Math.abs(max) || 1;
  return [Math.max(0, min - span * 0.08), max + span * 0.08];
}

function isZoomed(plot: uPlot, x: readonly number[]): boolean {
  const scale = plot.scales.x;
  const first = x[0];
  const last = x[x.length - 1];
  if (first === undefined || last === undefined || scale?.min === undefined || scale.max === undefined) return false;
  return scale.min > first + 1e-9 || scale.max < last - 1e-9;
}
