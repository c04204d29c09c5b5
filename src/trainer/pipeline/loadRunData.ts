// Reads the source and target datasets, converts them to the model's input shape, splits them
// and samples the few-shot target training set; describes each for the data-loaded event.
import type { Experiment } from '../../shared/experiment/schema';
import type { DatasetSummary } from '../../shared/run/events';
import type { ImageShape } from '../data/dataset';
import type { ProgressCallback } from '../data/decodeEntries';
import type { PreparedDatasetWithReport as PreparedDataset } from '../data/prepareDataset';
import { loadDataset } from '../data/loadDataset';
import { prepareDataset } from '../data/prepareDataset';
import { classCounts } from '../data/splits';

/** Share of a source dataset held out for validation when it has no validation split. */
const SOURCE_VALIDATION_FRACTION = 0.1;

export interface RunData {
  source: PreparedDataset | null;
  target: PreparedDataset;
}

/** What the user should know about the data before trusting the results (short classes, empty splits). */
export function dataWarnings(data: RunData): string[] {
  return [
    ...(data.source?.report.warnings.map((warning) => `source: ${warning}`) ?? []),
    ...data.target.report.warnings.map((warning) => `target: ${warning}`),
  ];
}

/** Informational lines about the data for the log (patients or volumes per split). */
export function dataNotes(data: RunData): string[] {
  return [
    ...(data.source?.report.notes.map((note) => `source: ${note}`) ?? []),
    ...data.target.report.notes.map((note) => `target: ${note}`),
  ];
}

/** `onProgress` hears how many files each file-based dataset has decoded (throttled by the loaders). */
export async function loadRunData(
  experiment: Experiment,
  sourceShape: ImageShape,
  targetShape: ImageShape,
  onProgress?: ProgressCallback,
): Promise<RunData> {
  let source: PreparedDataset | null = null;
  if (experiment.source) {
    const loaded = await loadDataset(experiment.source.dataset, sourceShape, experiment.seed, onProgress);
    source = prepareDataset(loaded, {
      shape: sourceShape,
      seed: experiment.seed,
      fraction: experiment.source.fraction,
      labelsPerClass: experiment.source.labelsPerClass,
      validationFraction: SOURCE_VALIDATION_FRACTION,
    });
  }
  const loadedTarget = await loadDataset(experiment.target.dataset, targetShape, experiment.seed + 1, onProgress);
  const target = prepareDataset(loadedTarget, {
    shape: targetShape,
    seed: experiment.seed + 1,
    fraction: experiment.target.fraction,
    labelsPerClass: experiment.target.labelsPerClass,
    validationFraction: experiment.target.validationFraction,
  });
  return { source, target };
}

export function summarizeDataset(dataset: PreparedDataset, classes: string[] = dataset.classes): DatasetSummary {
  const count = (labels: Int32Array) => classCounts(labels, classes.length);
  const scaling = dataset.report.scaling;
  return {
    description: dataset.description,
    classes,
    imageShape: dataset.train.shape,
    sizes: { train: count(dataset.train.labels), val: count(dataset.val.labels), test: count(dataset.test.labels) },
    ...(scaling.length > 0 ? { scaling } : {}),
  };
}
