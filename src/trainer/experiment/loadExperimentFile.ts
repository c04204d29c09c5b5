// Reads an experiment file from disk, validates it, and resolves its paths against the file's
// folder. Problems come back as `file:line:col: message` lines, never as exceptions.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseExperiment } from '../../shared/experiment/parseExperiment';
import type { DatasetSpec, Experiment } from '../../shared/experiment/schema';
import { errorMessage } from '../../shared/errors/errorMessage';
import { pretrainedFileProblem, pretrainedPosition } from './pretrainedFileCheck';

export type LoadedExperimentFile =
  { ok: true; file: string; experiment: Experiment } | { ok: false; file: string; errors: string[] };

export function loadExperimentFile(path: string): LoadedExperimentFile {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(error);
    return { ok: false, file, errors: [`${path}: cannot read the experiment file: ${reason}`] };
  }
  const parsed = parseExperiment(text);
  if (!parsed.ok) {
    return {
      ok: false,
      file,
      errors: parsed.diagnostics.map(
        (diagnostic) => `${path}:${diagnostic.start.line}:${diagnostic.start.column}: ${diagnostic.message}`,
      ),
    };
  }
  const experiment = resolveExperimentPaths(parsed.experiment, dirname(file));
  const problem = experiment.pretrained
    ? pretrainedFileProblem(experiment.pretrained, experiment.model.architecture)
    : null;
  if (problem !== null) {
    const { line, column } = pretrainedPosition(text);
    return { ok: false, file, errors: [`${path}:${line}:${column}: ${problem}`] };
  }
  return { ok: true, file, experiment };
}

/** Relative paths in an experiment resolve against the experiment file's folder. */
export function resolveExperimentPaths(experiment: Experiment, folder: string): Experiment {
  const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(folder, path));
  const resolveDataset = (dataset: DatasetSpec): DatasetSpec =>
    'path' in dataset ? { ...dataset, path: resolvePath(dataset.path) } : dataset;
  return {
    ...experiment,
    source: experiment.source
      ? { ...experiment.source, dataset: resolveDataset(experiment.source.dataset) }
      : undefined,
    pretrained: experiment.pretrained ? resolvePath(experiment.pretrained) : undefined,
    target: { ...experiment.target, dataset: resolveDataset(experiment.target.dataset) },
  };
}
