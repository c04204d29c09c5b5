// A small SVG plot of the unit square, for ROC, precision–recall and reliability diagrams, where
// each model has its own x values (so uPlot's shared x axis does not fit). Colours come from CSS
// classes (the theme's chart colours), so a theme change needs no redraw. Lines, markers and bars
// are plain SVG elements with titles: screen readers and the tests can read them.
import { el } from '../common/dom';

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 240;
const PAD = { left: 40, right: 10, top: 10, bottom: 34 };

export interface PlotLine {
  /** CSS class giving the colour, e.g. `series-fine-tuned`. */
  className: string;
  label: string;
  points: readonly { x: number; y: number }[];
  /** Step line (precision–recall) instead of straight segments. */
  step?: boolean;
}

export interface PlotMarker {
  className: string;
  label: string;
  x: number;
  y: number;
}

export interface PlotBar {
  className: string;
  label: string;
  from: number;
  to: number;
  height: number;
  /** Which of `of` bars sharing this x range it is (side by side). */
  slot: number;
  of: number;
}

export interface UnitPlotData {
  lines: readonly PlotLine[];
  markers?: readonly PlotMarker[];
  bars?: readonly PlotBar[];
  /** The y = x diagonal (chance ROC, perfect calibration) or a horizontal chance line. */
  reference?: { kind: 'diagonal' } | { kind: 'horizontal'; y: number; label: string };
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  children: SVGElement[] = [],
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

function titled<T extends SVGElement>(node: T, text: string): T {
  const title = document.createElementNS(SVG, 'title');
  title.textContent = text;
  node.append(title);
  return node;
}

const px = (x: number) => PAD.left + x * (SIZE - PAD.left - PAD.right);
const py = (y: number) => SIZE - PAD.bottom - y * (SIZE - PAD.top - PAD.bottom);

export class UnitPlot {
  readonly element: HTMLElement;
  private readonly canvas: SVGSVGElement;
  private readonly legend: HTMLElement;

  constructor(private readonly options: { title: string; xLabel: string; yLabel: string; className: string }) {
    this.canvas = svg('svg', {
      viewBox: `0 0 ${SIZE} ${SIZE}`,
      role: 'img',
      class: 'unit-plot-canvas',
      'aria-label': options.title,
    });
    this.legend = el('ul', { className: 'unit-plot-legend' });
    this.element = el('figure', { className: `unit-plot ${options.className}` }, [
      el('figcaption', { className: 'chart-title', text: options.title }),
      this.canvas,
      this.legend,
    ]);
  }

  update(data: UnitPlotData): void {
    const nodes: SVGElement[] = [this.axes()];
    if (data.reference?.kind === 'diagonal')
      nodes.push(svg('line', { class: 'reference', x1: px(0), y1: py(0), x2: px(1), y2: py(1) }));
    if (data.reference?.kind === 'horizontal')
      nodes.push(
        titled(
          svg('line', { class: 'reference', x1: px(0), y1: py(data.reference.y), x2: px(1), y2: py(data.reference.y) }),
          data.reference.label,
        ),
      );
    for (const bar of data.bars ?? []) {
      const width = (px(bar.to) - px(bar.from)) / bar.of;
      nodes.push(
        titled(
          svg('rect', {
            class: `bar ${bar.className}`,
            x: px(bar.from) + bar.slot * width,
            y: py(bar.height),
            width: Math.max(0.5, width - 0.5),
            height: Math.max(0, py(0) - py(bar.height)),
          }),
          bar.label,
        ),
      );
    }
    for (const line of data.lines) {
      if (line.points.length === 0) continue;
      const path = line.points.map((point, k) => {
        const previous = line.points[k - 1];
        if (k === 0) return `M${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`;
        return line.step && previous
          ? `V${py(point.y).toFixed(1)}H${px(point.x).toFixed(1)}`
          : `L${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`;
      });
      nodes.push(
        titled(
          svg('path', { class: `curve ${line.className}`, d: path.join(''), 'data-points': line.points.length }),
          line.label,
        ),
      );
    }
    for (const marker of data.markers ?? [])
      nodes.push(
        titled(
          svg('circle', { class: `marker ${marker.className}`, cx: px(marker.x), cy: py(marker.y), r: 4 }),
          marker.label,
        ),
      );
    this.canvas.replaceChildren(...nodes);
    this.legend.replaceChildren(
      ...[...data.lines, ...(data.markers ?? [])]
        .filter((item) => !('points' in item) || item.points.length > 0)
        .map((item) =>
          el('li', { className: item.className }, [
            el('span', { className: 'swatch', attrs: { 'aria-hidden': 'true' } }),
            item.label,
          ]),
        ),
    );
    const description = data.lines.map((line) => line.label).join('; ');
    this.canvas.setAttribute(
      'aria-label',
      description ? `${this.options.title}: ${description}` : `${this.options.title}: no data`,
    );
  }

  private axes(): SVGGElement {
    const ticks = [0, 0.25, 0.5, 0.75, 1];
    const group = svg('g', { class: 'axes' });
    for (const t of ticks) {
      group.append(
        svg('line', { class: 'grid', x1: px(t), y1: py(0), x2: px(t), y2: py(1) }),
        svg('line', { class: 'grid', x1: px(0), y1: py(t), x2: px(1), y2: py(t) }),
      );
      const xText = svg('text', { class: 'tick', x: px(t), y: py(0) + 12, 'text-anchor': 'middle' });
      xText.textContent = String(t);
      const yText = svg('text', { class: 'tick', x: px(0) - 4, y: py(t) + 3, 'text-anchor': 'end' });
      yText.textContent = String(t);
      group.append(xText, yText);
    }
    const xLabel = svg('text', { class: 'axis-label', x: px(0.5), y: SIZE - 4, 'text-anchor': 'middle' });
    xLabel.textContent = this.options.xLabel;
    const yLabel = svg('text', {
      class: 'axis-label',
      x: 10,
      y: py(0.5),
      'text-anchor': 'middle',
      transform: `rotate(-90 10 ${py(0.5)})`,
    });
    yLabel.textContent = this.options.yLabel;
    group.append(
      svg('rect', { class: 'frame', x: px(0), y: py(1), width: px(1) - px(0), height: py(0) - py(1) }),
      xLabel,
      yLabel,
    );
    return group;
  }
}
