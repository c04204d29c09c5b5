// Inline SVG charts for report.html, drawn by our code (no chart library, no script): line
// charts with axes, ticks, a legend and an optional chance diagonal. Every label is escaped.
import { escapeHtml } from './reportFormat';

export interface ChartSeries {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
  /** Draw a dot at each point (reliability diagrams) instead of only a line. */
  markers?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  x: [number, number];
  y: [number, number];
  series: readonly ChartSeries[];
  /** Dotted y = x line (ROC chance, perfect calibration). */
  diagonal?: boolean;
  width?: number;
  height?: number;
}

const MARGIN = { left: 52, right: 16, top: 28, bottom: 44 };

function ticks([low, high]: [number, number], count: number): number[] {
  const span = high - low || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? raw;
  const first = Math.ceil(low / step) * step;
  const values: number[] = [];
  for (let value = first; value <= high + step * 1e-9; value += step) values.push(Number(value.toFixed(10)));
  return values;
}

const label = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3))));

export function lineChartSvg(options: ChartOptions): string {
  const width = options.width ?? 420;
  // The legend goes under the chart, two entries a row, so it never hides a line.
  const legendRows = Math.ceil(options.series.length / 2);
  const plotHeight = (options.height ?? 280) - MARGIN.top - MARGIN.bottom;
  const height = MARGIN.top + plotHeight + MARGIN.bottom + legendRows * 16;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const [x0, x1] = options.x;
  const [y0, y1] = options.y;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotWidth;
  const sy = (y: number) => MARGIN.top + plotHeight - ((y - y0) / (y1 - y0 || 1)) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" ` +
      `width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
  );
  parts.push(
    `<text x="${width / 2}" y="16" class="chart-title" text-anchor="middle">${escapeHtml(options.title)}</text>`,
  );
  for (const tick of ticks(options.x, 5)) {
    parts.push(
      `<line x1="${sx(tick).toFixed(1)}" y1="${MARGIN.top}" ` +
        `x2="${sx(tick).toFixed(1)}" y2="${MARGIN.top + plotHeight}" class="grid"/>`,
    );
    parts.push(
      `<text x="${sx(tick).toFixed(1)}" y="${MARGIN.top + plotHeight + 14}" ` +
        `text-anchor="middle" class="tick">${label(tick)}</text>`,
    );
  }
  for (const tick of ticks(options.y, 5)) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${sy(tick).toFixed(1)}" ` +
        `x2="${MARGIN.left + plotWidth}" y2="${sy(tick).toFixed(1)}" class="grid"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${(sy(tick) + 4).toFixed(1)}" ` +
        `text-anchor="end" class="tick">${label(tick)}</text>`,
    );
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" class="frame"/>`);
  if (options.diagonal)
    parts.push(
      `<line x1="${sx(Math.max(x0, y0))}" y1="${sy(Math.max(x0, y0))}" ` +
        `x2="${sx(Math.min(x1, y1))}" y2="${sy(Math.min(x1, y1))}" class="diagonal"/>`,
    );
  for (const series of options.series) {
    if (series.points.length === 0) continue;
    const path = series.points
      .map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"` +
        `${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    if (series.markers)
      for (const [x, y] of series.points)
        parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${series.color}"/>`);
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight + 32}" ` +
      `text-anchor="middle" class="axis-label">${escapeHtml(options.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(12 ${MARGIN.top + plotHeight / 2}) rotate(-90)" ` +
      `text-anchor="middle" class="axis-label">${escapeHtml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, index) => {
    const y = MARGIN.top + plotHeight + MARGIN.bottom + Math.floor(index / 2) * 16 + 4;
    const x = 8 + (index % 2) * (width / 2);
    parts.push(
      `<line x1="${x}" y1="${y - 4}" x2="${x + 16}" y2="${y - 4}" stroke="${series.color}" stroke-width="2"` +
        `${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    parts.push(`<text x="${x + 20}" y="${y}" class="legend">${escapeHtml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
