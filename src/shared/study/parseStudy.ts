// Parses and validates a study file with the experiment file's machinery (line:column problems,
// did-you-mean for unknown keys). What needs the base experiment (are the varied keys experiment
// keys, does every combination validate) is checkStudyPoints.ts.
import { parseValidatedYaml } from '../experiment/validatedYaml';
import type { ExperimentDiagnostic, LocatedYaml, YamlFileKind } from '../experiment/validatedYaml';
import { studyKeysAt } from './studyJsonSchema';
import { studySchema } from './studySchema';
import type { Study } from './studySchema';

export type ParsedStudy =
  { ok: true; study: Study; located: LocatedYaml<Study> } | { ok: false; diagnostics: ExperimentDiagnostic[] };

export const STUDY_FILE_KIND: YamlFileKind<Study> = {
  noun: 'study',
  schema: studySchema,
  emptyMessage: 'the study file is empty: it needs at least `name`, `experiment` and `vary`',
  knownKeysAt: (path) => studyKeysAt(path),
};

/** Parses and validates study text; never throws on bad input. */
export function parseStudy(text: string): ParsedStudy {
  const parsed = parseValidatedYaml(text, STUDY_FILE_KIND);
  return parsed.ok ? { ok: true, study: parsed.located.value, located: parsed.located } : parsed;
}
