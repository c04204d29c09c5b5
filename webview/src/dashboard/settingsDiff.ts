// The settings that differ between runs, for the compare table. Pure.
import type { FlatSettings } from '../../../src/shared/webview/protocol';

export type SettingValue = string | number | boolean | null | undefined;

export interface SettingDifference {
  key: string;
  /** One per run, in the runs' order; undefined where a run does not have the setting. */
  values: SettingValue[];
}

/** Keys whose values are not all equal (a key missing from some runs counts as different). */
export function differingSettings(settings: readonly FlatSettings[]): SettingDifference[] {
  if (settings.length < 2) return [];
  const keys = [...new Set(settings.flatMap((flat) => Object.keys(flat)))].sort(compareKeys);
  return keys.flatMap((key) => {
    const values = settings.map((flat) => (Object.hasOwn(flat, key) ? flat[key] : undefined));
    const first = values[0];
    return values.every((value) => value === first) ? [] : [{ key, values }];
  });
}

/** Dotted keys grouped by their sections, in a stable human order. */
function compareKeys(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
