// Parses an experiment file (YAML, or JSON, which the YAML parser reads too) and validates it,
// giving each problem the line and column of the key or value it is about. The same function
// feeds the CLI's `file:line:col: message` lines and the editor's squiggles.
import { knownKeysAt } from './knownKeys';
import { DATASET_TYPES, experimentSchema } from './schema';
import type { Experiment } from './schema';
import { parseValidatedYaml } from './validatedYaml';
import type { ExperimentDiagnostic, YamlFileKind } from './validatedYaml';

export type ParsedExperiment =
  { ok: true; experiment: Experiment; diagnostics: [] } | { ok: false; diagnostics: ExperimentDiagnostic[] };

export const EXPERIMENT_FILE_KIND: YamlFileKind<Experiment> = {
  noun: 'experiment',
  schema: experimentSchema,
  emptyMessage: 'the experiment file is empty: it needs at least `name`, `model` and `target`',
  knownKeysAt,
  describeMessage: (issue) =>
    issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator'
      ? `unknown dataset \`type\`; expected one of: ${DATASET_TYPES.join(', ')}`
      : undefined,
};

/** Parses and validates experiment text; never throws on bad input. */
export function parseExperiment(text: string): ParsedExperiment {
  const parsed = parseValidatedYaml(text, EXPERIMENT_FILE_KIND);
  return parsed.ok ? { ok: true, experiment: parsed.located.value, diagnostics: [] } : parsed;
}
