// From whatever a loader returned to what training needs: all three splits, at the model's
// input shape, with the few-label sampling applied to the training split only.
import { convertImageSet } from './convertImages';
import { NON_FINITE_ADVICE, describeNonFinite, findNonFiniteInStore } from './finitePixels';
import { intensityScalingText } from '../../shared/run/intensityScaling';
import type { IntensityScaling } from '../../shared/run/intensityScaling';
import { DatasetError } from './dataset';
import type { ImageSet, ImageShape, LoadedDataset, PreparedDataset } from './dataset';
import { SeededRandom } from '../random';
import { classCounts, fewShotSample, groupCount, groupStratifiedSplit, stratifiedSplit } from './splits';
import type { FewShotShortfall } from './splits';

export interface PrepareOptions {
  shape: ImageShape;
  seed: number;
  fraction?: number;
  labelsPerClass?: number;
  /** Share held out for validation (and, when the data has no test split, for testing). */
  validationFraction: number;
}

/** How the splits were made, for the run's log and data-loaded event. */
export interface PreparationReport {
  /** 'dataset': the file's own split; 'held out': carved from the training split here. */
  valSource: 'dataset' | 'held out';
  testSource: 'dataset' | 'held out';
  /** Training images before few-shot sampling (after any held-out splits). */
  trainAvailable: number;
  /** Per class, the training images kept. */
  trainCounts: number[];
  /** Classes that had fewer training images than `labelsPerClass` (all were kept). */
  shortfalls: FewShotShortfall[];
  /** Human-readable notes (shortfalls, classes missing from a split, skipped files, identifiers). */
  warnings: string[];
  /** Informational lines for the log (patients per split). */
  notes: string[];
  /** Stored values scaled by the data's real range (also among `warnings`, as sentences). */
  scaling: IntensityScaling[];
}

export interface PreparedDatasetWithReport extends PreparedDataset {
  report: PreparationReport;
}

function checkLabels(set: ImageSet, classCount: number, split: string): void {
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i] ?? -1;
    if (label < 0 || label >= classCount)
      throw new DatasetError(`${split} label ${label} at index ${i} is outside the ${classCount} classes`);
  }
}

/**
 * Every dataset type comes through here, so this is where non-finite values are ruled out for all
 * of them; the loaders that decode file by file check each file too, to name it.
 */
function checkFinite(set: ImageSet, split: string, description: string): void {
  const found = findNonFiniteInStore(set.images);
  if (!found) return;
  const image = set.source ? `image ${found.image}` : `${split} image ${found.image}`;
  throw new DatasetError(
    `${describeNonFinite(found, set.shape[2], image)}: ${NON_FINITE_ADVICE}`,
    set.source ?? description,
  );
}

/** A class the training split has no image of cannot be learned: its output would only ever be pushed down. */
function checkEveryClassTrains(
  counts: { train: number[]; val: number[]; test: number[] },
  classes: string[],
  description: string,
): void {
  const untrained = classes.flatMap((name, label) => ((counts.train[label] ?? 0) === 0 ? [{ name, label }] : []));
  if (untrained.length === 0) return;
  const described = untrained
    .slice(0, 5)
    .map(
      ({ name, label }) => `"${name}" (${counts.val[label] ?? 0} in validation, ${counts.test[label] ?? 0} in test)`,
    );
  const more = untrained.length > 5 ? ` and ${untrained.length - 5} more` : '';
  throw new DatasetError(
    `no training images of ${described.join(', ')}${more}: ` +
      'a classifier cannot learn a class it never sees in training; ' +
      'add training images of it, or leave it out of the data',
    description,
  );
}

/**
 * Prepares a loaded dataset for training:
 * 1. When the dataset has no test split (image folders), a stratified `validationFraction` of
 *    everything is held out as the test split first: the test set must never be seen in
 *    training or model selection, and taking it before val keeps it the same whatever the val
 *    arrangement.
 * 2. When it has no validation split (folders, IDX), a stratified `validationFraction` of what
 *    remains of the training split is held out for validation (Keras's validation_split).
 *    So a folder with validationFraction 0.2 ends up 64 / 16 / 20 (train / val / test).
 * 3. Only then the training split is few-shot sampled (`fraction` or `labelsPerClass`); val and
 *    test stay whole, so the scores of a 5%-label run compare with the full-data ones.
 * All splits are finally converted to `shape`. Everything is stratified and seeded by `seed`, each
 * step on its own stream: changing `fraction` must not change which images are held out for
 * validation and test, or runs with different label budgets would be scored on different images.
 */
export function prepareDataset(loaded: LoadedDataset, options: PrepareOptions): PreparedDatasetWithReport {
  const { shape, seed, fraction, labelsPerClass, validationFraction } = options;
  if (!(validationFraction > 0 && validationFraction < 1))
    throw new RangeError(`validationFraction must be in (0, 1), got ${validationFraction}`);
  const classCount = loaded.classes.length;
  if (classCount < 2)
    throw new DatasetError(
      `${loaded.description}: found ${classCount} class${classCount === 1 ? '' : 'es'}; ` +
        'a classifier needs at least two',
    );
  for (const split of ['train', 'val', 'test'] as const) {
    const set = loaded[split];
    if (set) checkFinite(set, split, loaded.description);
  }
  const root = new SeededRandom(seed);
  let train = loaded.train;
  checkLabels(train, classCount, 'train');
  // Grouped data (patients, volume slices) is split group by group; other data as before, so
  // existing seeds give the same splits.
  const split = loaded.groupedBy ? groupStratifiedSplit : stratifiedSplit;
  let test = loaded.test;
  if (test) checkLabels(test, classCount, 'test');
  else {
    const [rest, heldOut] = split(train, [1 - validationFraction, validationFraction], root.fork('testSplit'));
    if (!rest || !heldOut) throw new Error('stratifiedSplit returned fewer parts than asked');
    train = rest;
    test = heldOut;
  }
  let val = loaded.val;
  if (val) checkLabels(val, classCount, 'val');
  else {
    const [rest, heldOut] = split(train, [1 - validationFraction, validationFraction], root.fork('validationSplit'));
    if (!rest || !heldOut) throw new Error('stratifiedSplit returned fewer parts than asked');
    train = rest;
    val = heldOut;
  }
  const trainAvailable = train.count;
  if (trainAvailable === 0)
    throw new DatasetError(
      `${loaded.description}: no training images left after holding out validation and test images`,
    );
  checkEveryClassTrains(
    {
      train: classCounts(train.labels, classCount),
      val: classCounts(val.labels, classCount),
      test: classCounts(test.labels, classCount),
    },
    loaded.classes,
    loaded.description,
  );
  const sample = fewShotSample(train, { fraction, labelsPerClass }, root.fork('fewShotSample'));
  const scaling = loaded.scaling ?? [];
  const warnings: string[] = [...scaling.map(intensityScalingText), ...(loaded.notes ?? [])];
  const notes: string[] = [...(loaded.info ?? [])];
  if (loaded.groupedBy) {
    const noun = loaded.groupedBy === 'patient' ? 'patients' : 'volumes';
    notes.push(
      `${noun} per split (none shared): ` +
        `train ${groupCount(sample.set)}, val ${groupCount(val)}, test ${groupCount(test)}`,
    );
  }
  for (const shortfall of sample.shortfalls) {
    const name = loaded.classes[shortfall.label] ?? `class ${shortfall.label}`;
    warnings.push(
      `labelsPerClass is ${shortfall.requested} but class "${name}" has only ${shortfall.available} training images: ` +
        `all ${shortfall.available} are used`,
    );
  }
  const trainCounts = classCounts(sample.set.labels, classCount);
  // Training has every class (checked above, and few-shot sampling keeps at least one of each);
  // a small validation or test split may miss one, which only weakens its scores.
  for (const [split, set] of [
    ['validation', val],
    ['test', test],
  ] as const) {
    const counts = classCounts(set.labels, classCount);
    const missing = loaded.classes.filter((_, label) => (counts[label] ?? 0) === 0);
    if (missing.length > 0)
      warnings.push(`the ${split} split has no images of ${missing.map((name) => `"${name}"`).join(', ')}`);
  }
  return {
    description: loaded.description,
    classes: [...loaded.classes],
    train: convertImageSet(sample.set, shape),
    val: convertImageSet(val, shape),
    test: convertImageSet(test, shape),
    report: {
      valSource: loaded.val ? 'dataset' : 'held out',
      testSource: loaded.test ? 'dataset' : 'held out',
      trainAvailable,
      trainCounts,
      shortfalls: sample.shortfalls,
      warnings,
      notes,
      scaling,
    },
  };
}
