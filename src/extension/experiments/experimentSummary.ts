// What the tree, code lenses and run discovery need to know about one experiment file, read
// from its text: its name (which names its runs folder, so it is read leniently even when the
// file has other errors), whether it is valid, and a few settings for the tooltip.
import { parseDocument } from 'yaml';
import { parseExperiment } from '../../shared/experiment/parseExperiment';
import type { ExperimentDiagnostic } from '../../shared/experiment/validatedYaml';

export interface ExperimentSummary {
  /** The `name` key: the runs folder's name. Null when the file has none usable. */
  name: string | null;
  valid: boolean;
  diagnostics: ExperimentDiagnostic[];
  description: string | null;
  architecture: string | null;
  strategy: string | null;
  target: string | null;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function summarizeExperiment(text: string): ExperimentSummary {
  const parsed = parseExperiment(text);
  if (parsed.ok) {
    const { experiment } = parsed;
    return {
      name: experiment.name,
      valid: true,
      diagnostics: [],
      description: experiment.description ?? null,
      architecture: experiment.model.architecture,
      strategy: experiment.fineTune.strategy,
      target: describeDataset(experiment.target.dataset),
    };
  }
  const loose = readLoosely(text);
  const name =
    typeof loose.name === 'string' && NAME_PATTERN.test(loose.name) && loose.name.length <= 80 ? loose.name : null;
  return {
    name,
    valid: false,
    diagnostics: parsed.diagnostics,
    description: typeof loose.description === 'string' ? loose.description : null,
    architecture: null,
    strategy: null,
    target: null,
  };
}

function readLoosely(text: string): Record<string, unknown> {
  try {
    // Silent: this is a best-effort read of a file whose real errors parseExperiment reports.
    const value: unknown = parseDocument(text, { logLevel: 'silent' }).toJS({ maxAliasCount: 100 });
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function describeDataset(dataset: { type: string; path?: string; task?: string }): string {
  if (dataset.type === 'synthetic') return `synthetic ${dataset.task ?? ''}`.trim();
  return `${dataset.type} ${dataset.path ?? ''}`.trim();
}
