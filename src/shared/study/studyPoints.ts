// Grid expansion: every combination of the study's `vary` lists is a point, and each point's
// experiment is the base experiment as written with the point's values set at their dotted paths
// and one seed. The first key of `vary` changes slowest, as in a nested loop written in file order.
import { ALL_LABELS } from './studySchema';
import type { Study, VaryValue } from './studySchema';

export interface StudyPoint {
  /** `p1`, `p2`… in grid order: study.json, run-started and `--point` use it. */
  id: string;
  /** The point's value of each varied key (dotted path), in the order of `vary`. */
  values: Record<string, VaryValue>;
  /** Short words for tables and charts: `labelsPerClass 5, strategy full`. */
  label: string;
}

/** The keys whose value `all` means "every label": the key is left out of the point's experiment. */
export const SAMPLING_KEYS = ['labelsPerClass', 'fraction'] as const;

/** The varied keys that set the target's label count, which the learning-curve analysis needs. */
export const LABEL_COUNT_PATHS = ['target.labelsPerClass', 'target.fraction'] as const;

/** Keys a study may not vary: the study itself sets them. */
export const UNVARIABLE_KEYS: Record<string, string> = {
  name: 'the runs of a study share the base experiment’s name',
  seed: 'give the seeds as the study’s `seeds`',
  seeds: 'give the seeds as the study’s `seeds`',
  $schema: 'it is not a setting',
};

export function expandGrid(vary: Study['vary']): StudyPoint[] {
  const keys = Object.keys(vary);
  let combinations: Record<string, VaryValue>[] = [{}];
  for (const key of keys) {
    const values = vary[key] ?? [];
    combinations = combinations.flatMap((partial) => values.map((value) => ({ ...partial, [key]: value })));
  }
  return combinations.map((values, index) => ({ id: `p${index + 1}`, values, label: pointLabel(values) }));
}

/** How many runs the study asks for. */
export function studyRunCount(vary: Study['vary'], seeds: readonly number[]): number {
  return Object.values(vary).reduce((count, values) => count * values.length, 1) * seeds.length;
}

export function pointLabel(values: Record<string, VaryValue>): string {
  const paths = Object.keys(values);
  const lastSegments = paths.map((path) => path.slice(path.lastIndexOf('.') + 1));
  return paths
    .map((path, index) => {
      const short = lastSegments[index] ?? path;
      const name = lastSegments.filter((segment) => segment === short).length > 1 ? path : short;
      return `${name} ${formatVaryValue(values[path])}`;
    })
    .join(', ');
}

export function formatVaryValue(value: VaryValue | undefined): string {
  if (value === undefined) return '–';
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/** The seeds a study runs: its own, else the base experiment's `seeds`, else its `seed` (42 by default). */
export function studySeeds(study: Pick<Study, 'seeds'>, baseRaw: unknown): number[] {
  if (study.seeds) return study.seeds;
  const base = isRecord(baseRaw) ? baseRaw : {};
  if (Array.isArray(base.seeds) && base.seeds.every((seed) => typeof seed === 'number')) return base.seeds;
  return [typeof base.seed === 'number' ? base.seed : 42];
}

/**
 * The point's experiment as written: a deep copy of the base (as written, no defaults) with each
 * varied value set at its path (`all` for a sampling key: the key left out) and `seed` set.
 */
export function pointExperimentInput(
  baseRaw: unknown,
  point: Pick<StudyPoint, 'values'>,
  seed: number,
): Record<string, unknown> {
  const experiment: Record<string, unknown> = isRecord(baseRaw) ? structuredClone(baseRaw) : {};
  for (const [path, value] of Object.entries(point.values)) {
    const segments = path.split('.');
    const last = segments[segments.length - 1] ?? path;
    let parent = experiment;
    for (const segment of segments.slice(0, -1)) {
      const child = parent[segment];
      if (!isRecord(child)) parent[segment] = {};
      parent = parent[segment] as Record<string, unknown>;
    }
    const sampling = (SAMPLING_KEYS as readonly string[]).includes(last);
    // labelsPerClass and fraction are alternatives: varying one replaces the other the base gives.
    if (sampling) for (const other of SAMPLING_KEYS) if (other !== last) delete parent[other];
    if (value === ALL_LABELS && sampling) delete parent[last];
    else parent[last] = structuredClone(value);
  }
  delete experiment.seeds;
  experiment.seed = seed;
  return experiment;
}

/** The varied key that sets the label count, when one does. */
export function labelCountPath(vary: Study['vary']): string | null {
  return LABEL_COUNT_PATHS.find((path) => path in vary) ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
