// The label-efficiency chart of one learning-curve series as a self-contained SVG (every colour
// and font given inline, so it draws the same in report.html, as a file beside it, in a README or
// in a webview): each model's mean over seeds with its interval at each label count, its fitted
// inverse power law, labels per class on a log axis, the goal line and the crossover. Text is
// escaped; the numbers come from the analysis (studyAnalysis.ts).
import { powerLawValue } from './analysis/powerLawFit';
import { metricName } from './analysis/studyMethods';
import type { SeriesAnalysis, StudyAnalysis, StudyModel } from './studyAnalysis';

export const MODEL_COLORS: Record<StudyModel, string> = { 'fine-tuned': '#0969da', scratch: '#cf222e' };
const MODEL_NAMES: Record<StudyModel, string> = { 'fine-tuned': 'fine-tuned', scratch: 'from scratch' };
const font = (fill = '#1b1f24') => `font-family="sans-serif" font-size="11" fill="${fill}"`;
const FONT = font();
const MARGIN = { left: 56, right: 20, top: 30, bottom: 46 };

function svgLine(x1: number | string, y1: number | string, x2: number | string, y2: number | string, style: string) {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" ${style}/>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Ticks of a log axis: 1, 2, 5 × 10^k within the range (just the powers of ten when those are enough). */
function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++)
    for (const mantissa of [1, 2, 5]) {
      const value = mantissa * 10 ** power;
      if (value >= low && value <= high) ticks.push(value);
    }
  return ticks;
}

function linearTicks(low: number, high: number): number[] {
  const raw = (high - low) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? raw;
  const values: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step)
    values.push(Number(value.toFixed(10)));
  return values;
}

export function learningCurveSvg(analysis: StudyAnalysis, series: SeriesAnalysis, width = 560, height = 360): string {
  const metric = metricName(analysis.metric);
  const points = series.points.flatMap((id) => {
    const point = analysis.points.find((candidate) => candidate.point === id);
    return point && point.labelsPerClass !== null ? [{ ...point, labelsPerClass: point.labelsPerClass }] : [];
  });
  const labels = points.map((point) => point.labelsPerClass);
  // Before any run of the series completed: an empty chart over 1 to 100 labels.
  const xLow = labels.length > 0 ? Math.max(0.5, Math.min(...labels) / 1.5) : 1;
  const xHigh = labels.length > 0 ? Math.max(...labels, 1) * 1.5 : 100;
  const values = points.flatMap((point) =>
    (['fine-tuned', 'scratch'] as const).flatMap((model) => {
      const interval = point.models[model]?.[analysis.metric];
      return interval ? [interval.low, interval.high] : [];
    }),
  );
  if (analysis.goal) values.push(analysis.goal.value);
  const yLow = Math.max(0, Math.floor((Math.min(...values, 0.5) - 0.02) * 20) / 20);
  const yHigh = Math.min(1, Math.ceil((Math.max(...values, 0.6) + 0.02) * 20) / 20);
  const legendHeight = 18;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom - legendHeight;
  const sx = (n: number) =>
    MARGIN.left + ((Math.log(n) - Math.log(xLow)) / (Math.log(xHigh) - Math.log(xLow))) * plotWidth;
  const sy = (y: number) => MARGIN.top + plotHeight - ((y - yLow) / (yHigh - yLow || 1)) * plotHeight;
  const f = (value: number) => value.toFixed(1);
  const title = `${metric} by labels per class${series.label ? ` (${series.label})` : ''}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
      `role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-weight="600" ${FONT}>${escapeXml(title)}</text>`,
  ];
  for (const tick of logTicks(xLow, xHigh)) {
    parts.push(svgLine(f(sx(tick)), MARGIN.top, f(sx(tick)), MARGIN.top + plotHeight, 'stroke="#eaeef2"'));
    parts.push(
      `<text x="${f(sx(tick))}" y="${MARGIN.top + plotHeight + 14}" text-anchor="middle" ${FONT}>${tick}</text>`,
    );
  }
  for (const tick of linearTicks(yLow, yHigh)) {
    parts.push(svgLine(MARGIN.left, f(sy(tick)), MARGIN.left + plotWidth, f(sy(tick)), 'stroke="#eaeef2"'));
    const label = Number(tick.toFixed(2));
    parts.push(`<text x="${MARGIN.left - 6}" y="${f(sy(tick) + 4)}" text-anchor="end" ${FONT}>${label}</text>`);
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" ` +
      'fill="none" stroke="#8c959f"/>',
  );
  if (analysis.goal) {
    const y = f(sy(analysis.goal.value));
    parts.push(svgLine(MARGIN.left, y, MARGIN.left + plotWidth, y, 'stroke="#1a7f37" stroke-dasharray="6 3"'));
    parts.push(
      `<text x="${MARGIN.left + 4}" y="${f(sy(analysis.goal.value) - 4)}" ${font('#1a7f37')}>` +
        `goal ${escapeXml(metricName(analysis.goal.metric))} ${analysis.goal.value}</text>`,
    );
  }
  if (series.crossover !== null) {
    const x = f(sx(series.crossover));
    parts.push(svgLine(x, MARGIN.top, x, MARGIN.top + plotHeight, 'stroke="#8250df" stroke-dasharray="2 3"'));
    parts.push(`<text x="${f(sx(series.crossover) + 4)}" y="${MARGIN.top + 12}" ${font('#8250df')}>crossover</text>`);
  }
  (['fine-tuned', 'scratch'] as const).forEach((model, index) => {
    const color = MODEL_COLORS[model];
    const fit = series.fits[model];
    if (fit) {
      const steps = 80;
      const path = Array.from({ length: steps + 1 }, (_, i) => {
        const n = Math.exp(Math.log(xLow) + ((Math.log(xHigh) - Math.log(xLow)) * i) / steps);
        const y = Math.min(yHigh, Math.max(yLow, 1 - powerLawValue(fit, n)));
        return `${i === 0 ? 'M' : 'L'}${f(sx(n))},${f(sy(y))}`;
      }).join(' ');
      parts.push(
        `<path d="${path}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="5 3" opacity="0.8"/>`,
      );
    }
    // The two models' bars side by side, a few pixels apart, so neither hides the other.
    const offset = (index - 0.5) * 6;
    for (const point of points) {
      const interval = point.models[model]?.[analysis.metric];
      if (!interval) continue;
      const x = f(sx(point.labelsPerClass) + offset);
      parts.push(svgLine(x, f(sy(interval.low)), x, f(sy(interval.high)), `stroke="${color}" stroke-width="1.5"`));
      parts.push(`<circle cx="${x}" cy="${f(sy(interval.mean))}" r="3.5" fill="${color}"/>`);
    }
  });
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight + 32}" text-anchor="middle" ${FONT}>` +
      'training labels per class (log scale)</text>',
    `<text transform="translate(14 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" ${FONT}>` +
      `${escapeXml(metric)} (mean over seeds, ${Math.round(analysis.level * 100)}% interval)</text>`,
  );
  (['fine-tuned', 'scratch'] as const).forEach((model, index) => {
    const x = MARGIN.left + index * 200;
    const y = height - 8;
    parts.push(`<circle cx="${x + 6}" cy="${y - 4}" r="3.5" fill="${MODEL_COLORS[model]}"/>`);
    parts.push(svgLine(x + 14, y - 4, x + 30, y - 4, `stroke="${MODEL_COLORS[model]}" stroke-dasharray="5 3"`));
    parts.push(`<text x="${x + 36}" y="${y}" ${FONT}>${MODEL_NAMES[model]}: runs and fitted curve</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
