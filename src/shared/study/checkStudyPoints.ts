// The checks of a study file that need its base experiment: the base validates, every varied key
// is a key of the experiment (with a did-you-mean), and every combination of values validates as
// an experiment. Each problem is placed in the study file: at `experiment:` for the base, at the
// varied key or at the value that breaks the experiment.
import { knownKeysAt } from '../experiment/knownKeys';
import { EXPERIMENT_FILE_KIND } from '../experiment/parseExperiment';
import { experimentSchema } from '../experiment/schema';
import { formatPath, parseValidatedYaml, unknownKeyMessage, zodMessage } from '../experiment/validatedYaml';
import type { ExperimentDiagnostic, LocatedYaml } from '../experiment/validatedYaml';
import { expandGrid, formatVaryValue, pointExperimentInput, studySeeds, UNVARIABLE_KEYS } from './studyPoints';
import type { StudyPoint } from './studyPoints';
import { MAX_STUDY_RUNS } from './studySchema';
import type { Study } from './studySchema';

/** The base experiment file as read, or why it could not be. */
export type BaseExperimentText = { ok: true; text: string } | { ok: false; reason: string };

export type CheckedStudy =
  | { ok: true; points: StudyPoint[]; seeds: number[]; baseRaw: unknown }
  | { ok: false; diagnostics: ExperimentDiagnostic[] };

export function checkStudyPoints(located: LocatedYaml<Study>, base: BaseExperimentText): CheckedStudy {
  const study = located.value;
  const at = (path: (string | number)[], message: string, key = false): ExperimentDiagnostic => ({
    ...located.locate(path, key),
    message,
    path: formatPath(path),
  });
  if (!base.ok)
    return {
      ok: false,
      diagnostics: [at(['experiment'], `cannot read the base experiment \`${study.experiment}\`: ${base.reason}`)],
    };
  const parsedBase = parseValidatedYaml(base.text, EXPERIMENT_FILE_KIND);
  if (!parsedBase.ok) {
    const [first] = parsedBase.diagnostics;
    const more = parsedBase.diagnostics.length - 1;
    const where = first ? ` (${study.experiment}:${first.start.line}:${first.start.column}: ${first.message}` : ' (';
    const message = `the base experiment does not validate${where}${more > 0 ? `; and ${more} more` : ''})`;
    return { ok: false, diagnostics: [at(['experiment'], message)] };
  }
  const baseRaw = parsedBase.located.raw;

  const diagnostics: ExperimentDiagnostic[] = [];
  for (const path of Object.keys(study.vary)) {
    const problem = varyPathProblem(path, baseRaw);
    if (problem !== null) diagnostics.push(at(['vary', path], problem, true));
  }
  const seeds = studySeeds(study, baseRaw);
  const points = expandGrid(study.vary);
  if (points.length * seeds.length > MAX_STUDY_RUNS) {
    const message =
      `${points.length} points × ${seeds.length} seeds is ${points.length * seeds.length} runs; ` +
      `a study runs at most ${MAX_STUDY_RUNS}`;
    diagnostics.push(at(['vary'], message, true));
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  // Each problem once: the same bad value breaks every point it is in.
  const seen = new Set<string>();
  for (const point of points) {
    const result = experimentSchema.safeParse(pointExperimentInput(baseRaw, point, seeds[0] ?? 0));
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const issuePath = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
      const dotted = formatPath(issuePath);
      const blamed = blamedKey(dotted, point);
      const value = blamed === null ? undefined : point.values[blamed];
      const valueIndex =
        blamed === null ? -1 : (study.vary[blamed] ?? []).findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
      const where = blamed === null ? `with ${point.label}` : `with \`${blamed}\` ${formatVaryValue(value)}`;
      const about = dotted ? `\`${dotted}\`: ` : '';
      const message = `${where}, the experiment does not validate: ${about}${zodMessage(issue)}`;
      const key = `${blamed ?? ''}|${valueIndex}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(blamed === null ? at(['vary'], message, true) : at(['vary', blamed, valueIndex], message));
    }
  }
  diagnostics.sort((a, b) => a.start.line - b.start.line || a.start.column - b.start.column);
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, points, seeds, baseRaw };
}

/** Why a dotted path is not an experiment key a study may vary, or null when it is one. */
export function varyPathProblem(path: string, baseRaw: unknown): string | null {
  const segments = path.split('.');
  const first = segments[0] ?? path;
  if (segments.length === 1 && first in UNVARIABLE_KEYS) return `\`${path}\` cannot vary: ${UNVARIABLE_KEYS[first]}`;
  for (const [index, segment] of segments.entries()) {
    const parent = segments.slice(0, index);
    const known = knownKeysAt(parent, valueAt(baseRaw, parent));
    if (known.length === 0) {
      return `\`${path}\` is not an experiment key: \`${parent.join('.')}\` has no keys below it`;
    }
    if (segment === '$schema' || !known.includes(segment)) {
      const where = parent.length > 0 ? ` in \`${parent.join('.')}\`` : ' of an experiment';
      const suggestion = unknownKeyMessage(segment, known, where);
      return `\`${path}\` is not an experiment key: ${suggestion}`;
    }
  }
  return null;
}

/** The varied key an issue at `issuePath` is about: the varied path it is in or above, if any. */
function blamedKey(issuePath: string, point: StudyPoint): string | null {
  const paths = Object.keys(point.values);
  return (
    paths.find((path) => issuePath === path || issuePath.startsWith(`${path}.`) || issuePath.startsWith(`${path}[`)) ??
    paths.find((path) => path.startsWith(`${issuePath}.`) || issuePath === '') ??
    null
  );
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
