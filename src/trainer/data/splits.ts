// Stratified splits and few-shot sampling. Both work per class so that a rare class (388
// normal X-rays against 3,494 pneumonia ones) keeps its share in every split and in every
// few-label sample, and both take a SeededRandom so the same seed picks the same images.
import type { ImageSet } from './dataset';
import type { SeededRandom } from '../random';

/** How many labels of each class, for classes 0..classCount-1 (labels outside are ignored). */
export function classCounts(labels: Int32Array, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const label of labels) {
    if (label >= 0 && label < classCount) counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/** The images at `indices` (in that order): a new set (its store a copy in memory, or a view of the same file). */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const labels = new Int32Array(indices.length);
  const groups = set.groups ? new Int32Array(indices.length) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k] ?? 0;
    if (index < 0 || index >= set.count) throw new RangeError(`image index ${index} outside 0..${set.count - 1}`);
    labels[k] = set.labels[index] ?? 0;
    if (groups) groups[k] = set.groups?.[index] ?? 0;
  }
  const selected: ImageSet = {
    images: set.images.select(indices),
    labels,
    count: indices.length,
    shape: [set.shape[0], set.shape[1], set.shape[2]],
  };
  if (groups) selected.groups = groups;
  return selected;
}

/** Indices of each label value present, in ascending order (label → indices). */
function indicesByClass(labels: Int32Array): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, index) => {
    const list = byClass.get(label);
    if (list) list.push(index);
    else byClass.set(label, [index]);
  });
  // Sorted class order, so the draws from `random` do not depend on which class comes first.
  return new Map([...byClass.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Splits `total` items into parts proportional to `weights` (largest remainder), then makes
 * sure each part with a positive weight gets at least one item while there are enough items,
 * taking them from the largest part: a validation split without any normal image would make
 * val_auc undefined.
 */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, part) => ({ part, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.part - b.part);
  for (const { part } of byRemainder) {
    if (left === 0) break;
    counts[part] = (counts[part] ?? 0) + 1;
    left--;
  }
  const wanted = weights.filter((weight) => weight > 0).length;
  if (total >= wanted) {
    weights.forEach((weight, part) => {
      if (weight <= 0 || (counts[part] ?? 0) > 0) return;
      let largest = 0;
      counts.forEach((count, other) => {
        if (count > (counts[largest] ?? 0)) largest = other;
      });
      counts[largest] = (counts[largest] ?? 0) - 1;
      counts[part] = 1;
    });
  }
  return counts;
}

/**
 * Splits a set into parts of the given relative sizes (e.g. [0.7, 0.15, 0.15]), separately
 * within each class. Each part keeps the original image order; which images go where is
 * decided by `random`. A class with at least as many images as there are parts has at least
 * one in each part.
 */
export function stratifiedSplit(set: ImageSet, fractions: number[], random: SeededRandom): ImageSet[] {
  if (fractions.length === 0 || fractions.some((fraction) => !(fraction >= 0) || !Number.isFinite(fraction))) {
    throw new RangeError(`split fractions must be non-negative numbers, got [${fractions.join(', ')}]`);
  }
  if (fractions.reduce((a, b) => a + b, 0) <= 0) throw new RangeError('split fractions must not all be zero');
  const parts: number[][] = fractions.map(() => []);
  for (const indices of indicesByClass(set.labels).values()) {
    random.shuffle(indices);
    const counts = apportion(indices.length, fractions);
    let start = 0;
    counts.forEach((count, part) => {
      // A loop, not push(...slice): spreading 60,000 arguments can overflow the stack.
      const target = parts[part] ?? [];
      for (let k = start; k < start + count; k++) target.push(indices[k] ?? 0);
      start += count;
    });
  }
  return parts.map((indices) =>
    selectImages(
      set,
      indices.sort((a, b) => a - b),
    ),
  );
}

/**
 * Like stratifiedSplit, but whole groups (patients, or the slices of one volume) go to one
 * part, so no patient is in two splits: images of one patient are correlated, and a patient
 * seen in training would inflate the test scores. Each group is stratified by its most
 * frequent label (ties: the lowest), then groups are apportioned per class as images are.
 * Without `set.groups` this is stratifiedSplit.
 */
export function groupStratifiedSplit(set: ImageSet, fractions: number[], random: SeededRandom): ImageSet[] {
  const groups = set.groups;
  if (!groups) return stratifiedSplit(set, fractions, random);
  const members = new Map<number, number[]>();
  groups.forEach((group, index) => {
    const list = members.get(group);
    if (list) list.push(index);
    else members.set(group, [index]);
  });
  const groupsByLabel = new Map<number, number[]>();
  for (const [group, indices] of [...members.entries()].sort((a, b) => a[0] - b[0])) {
    const counts = new Map<number, number>();
    for (const index of indices) counts.set(set.labels[index] ?? 0, (counts.get(set.labels[index] ?? 0) ?? 0) + 1);
    const label = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
    const list = groupsByLabel.get(label);
    if (list) list.push(group);
    else groupsByLabel.set(label, [group]);
  }
  const parts: number[][] = fractions.map(() => []);
  for (const [, labelGroups] of [...groupsByLabel.entries()].sort((a, b) => a[0] - b[0])) {
    random.shuffle(labelGroups);
    let start = 0;
    apportion(labelGroups.length, fractions).forEach((count, part) => {
      const target = parts[part] ?? [];
      for (let k = start; k < start + count; k++)
        for (const index of members.get(labelGroups[k] ?? -1) ?? []) target.push(index);
      start += count;
    });
  }
  return parts.map((indices) =>
    selectImages(
      set,
      indices.sort((a, b) => a - b),
    ),
  );
}

/** How many distinct groups a set has (0 without groups). */
export function groupCount(set: ImageSet): number {
  return set.groups ? new Set(set.groups).size : 0;
}

export interface FewShotOptions {
  /** Share of each class to keep (at least one image per class). */
  fraction?: number;
  /** Images to keep per class (all of a class that has fewer). */
  labelsPerClass?: number;
}

/** A class that had fewer images than `labelsPerClass` asked for: all of them were kept. */
export interface FewShotShortfall {
  label: number;
  requested: number;
  available: number;
}

export interface FewShotSample {
  set: ImageSet;
  /** Indices into the original set, ascending. */
  indices: number[];
  /** Images kept per label value present in the original set (label → count). */
  kept: Map<number, number>;
  /** Classes smaller than `labelsPerClass` (empty otherwise). */
  shortfalls: FewShotShortfall[];
}

/**
 * Keeps a stratified, seeded subset of a training set: `fraction` of each class (rounded, at
 * least one) or `labelsPerClass` of each. Neither given: everything is kept (same set object).
 */
export function fewShotSample(set: ImageSet, options: FewShotOptions, random: SeededRandom): FewShotSample {
  const { fraction, labelsPerClass } = options;
  if (fraction !== undefined && labelsPerClass !== undefined)
    throw new RangeError('give either fraction or labelsPerClass, not both');
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1))
    throw new RangeError(`fraction must be in (0, 1], got ${fraction}`);
  if (labelsPerClass !== undefined && !(Number.isInteger(labelsPerClass) && labelsPerClass > 0)) {
    throw new RangeError(`labelsPerClass must be a positive integer, got ${labelsPerClass}`);
  }
  const byClass = indicesByClass(set.labels);
  const kept = new Map<number, number>();
  if (fraction === undefined && labelsPerClass === undefined) {
    for (const [label, indices] of byClass) kept.set(label, indices.length);
    return { set, indices: Array.from({ length: set.count }, (_, index) => index), kept, shortfalls: [] };
  }
  const chosen: number[] = [];
  const shortfalls: FewShotShortfall[] = [];
  for (const [label, indices] of byClass) {
    let take: number;
    if (labelsPerClass !== undefined) {
      take = Math.min(labelsPerClass, indices.length);
      if (indices.length < labelsPerClass)
        shortfalls.push({ label, requested: labelsPerClass, available: indices.length });
    } else {
      // Rounded per class rather than floored: 5% of 388 normal images is 19, not 19.4 → 19,
      // and a class of 10 at 5% still contributes one image instead of none.
      take = Math.min(indices.length, Math.max(1, Math.round((fraction ?? 1) * indices.length)));
    }
    // A partial Fisher–Yates draw: only `take` swaps, so sampling 20 of 60,000 stays cheap.
    for (let i = 0; i < take; i++) {
      const j = i + random.integer(indices.length - i);
      const swap = indices[i] ?? 0;
      indices[i] = indices[j] ?? 0;
      indices[j] = swap;
    }
    for (let k = 0; k < take; k++) chosen.push(indices[k] ?? 0);
    kept.set(label, take);
  }
  chosen.sort((a, b) => a - b);
  return { set: selectImages(set, chosen), indices: chosen, kept, shortfalls };
}
