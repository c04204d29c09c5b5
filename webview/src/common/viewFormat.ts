// Number and label formatting shared by the views. Pure: unit tested without a DOM.
import type { Phase } from '../../../src/shared/run/events';

/** Shown wherever a value is missing or undefined (e.g. precision of a class never predicted). */
export const MISSING = '–';
const MINUS = '−';

export function formatRatio(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? MISSING : value.toFixed(digits);
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? MISSING
    : `${(value * 100).toFixed(digits)}%`;
}

export type Sign = 'positive' | 'negative' | 'neutral';

/** Which way a difference goes, treating anything that rounds to zero as neutral. */
export function signOf(value: number | null | undefined, digits = 2): Sign | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const rounded = Number(value.toFixed(digits));
  return rounded > 0 ? 'positive' : rounded < 0 ? 'negative' : 'neutral';
}

/** `+0.19`, `−0.05` (a real minus sign), `±0.00` where it rounds to zero (neutral, as signOf), or `–`. */
export function formatDifference(value: number | null | undefined, digits: number): string {
  const sign = signOf(value, digits);
  if (sign === null || value === null || value === undefined) return MISSING;
  const magnitude = Math.abs(value).toFixed(digits);
  return sign === 'positive' ? `+${magnitude}` : sign === 'negative' ? `${MINUS}${magnitude}` : `±${magnitude}`;
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `45s`, `2m 05s`, `1h 02m`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return MISSING;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatRate(imagesPerSecond: number | null | undefined): string {
  if (imagesPerSecond === null || imagesPerSecond === undefined || !Number.isFinite(imagesPerSecond)) return MISSING;
  return `${imagesPerSecond >= 100 ? Math.round(imagesPerSecond) : imagesPerSecond.toFixed(1)} img/s`;
}

/** A learning rate such as `1e-4` or `0.001`. */
export function formatLearningRate(value: number | null): string {
  if (value === null) return MISSING;
  return value < 0.001 ? value.toExponential(0).replace('e-', 'e−') : String(value);
}

export function formatSetting(value: string | number | boolean | null | undefined): string {
  if (value === undefined) return MISSING;
  if (value === null) return 'null';
  return String(value);
}

const PHASE_LABELS: Readonly<Record<Phase, string>> = {
  source: 'Source pretraining',
  head: 'Head',
  finetune: 'Fine-tune',
  scratch: 'Scratch baseline',
  evaluate: 'Evaluation',
};

export function phaseLabel(phase: Phase): string {
  return PHASE_LABELS[phase];
}
