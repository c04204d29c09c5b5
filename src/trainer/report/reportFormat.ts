// Numbers and text as the report prints them. Every value that comes from a run (class names,
// descriptions, settings) is untrusted and goes through escapeHtml or escapeMarkdown.
import type { Interval } from '../../shared/run/metrics';

export { escapeHtml } from '../../shared/webview/webviewHtml';

export function formatNumber(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** `0.912 (0.870–0.951)`; the estimate alone without an interval. */
export function formatInterval(
  value: number | null | undefined,
  interval: Interval | null | undefined,
  digits = 3,
): string {
  if (!interval) return formatNumber(value, digits);
  return (
    `${formatNumber(interval.estimate, digits)} ` +
    `(${formatNumber(interval.low, digits)} to ${formatNumber(interval.high, digits)})`
  );
}

/**
 * `+0.358`, `−0.012`: always a sign, also when the value rounds to zero (the dashboard's
 * formatDifference writes `±` there instead).
 */
export function formatWithSign(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}

export { formatP } from '../../shared/run/pValue';

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

/**
 * Markdown text: inline syntax (emphasis, code, links, HTML, table pipes) escaped anywhere, block
 * syntax (headings, lists, quotes) at the start, newlines made spaces so a table row stays one.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|~]/g, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ')
    .replace(/^([#+-])(?=\s)/, (start) => `\\${start}`);
}
