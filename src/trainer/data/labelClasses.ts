// Integer labels (MedMNIST, IDX) are class indices 0..K−1, and the class count is inferred from
// them. Taken as the largest label plus one, a single wrong label would make a class for every
// index below it: 1,000 in a 2-class file trains a 1,001-class model, 10^9 allocates until V8
// aborts. So the count comes from the distinct labels, and a gap (an index no image has) is an
// error that names the label above it, before anything is sized by the largest label.
import { DatasetError } from './dataset';

/** The labels of one split, named for errors (`x.npz/train_labels.npy`). */
export interface LabelSource {
  file: string;
  labels: Int32Array;
}

/** The number of classes the labels use; throws a DatasetError when some index below the largest has no image. */
export function classCountOfLabels(sources: LabelSource[]): number {
  const seen = new Set<number>();
  let largest = -1;
  let file = '';
  let index = -1;
  for (const source of sources) {
    for (let i = 0; i < source.labels.length; i++) {
      const label = source.labels[i] ?? 0;
      seen.add(label);
      if (label > largest) {
        largest = label;
        file = source.file;
        index = i;
      }
    }
  }
  if (largest + 1 === seen.size) return seen.size;
  const distinct = [...seen].sort((a, b) => a - b);
  if (distinct[0] === 1 && distinct.length === largest)
    throw new DatasetError(
      `the labels run from 1 to ${largest} and no image has label 0: ` +
        'labels are class indices counted from 0; subtract 1 from every label',
      file,
    );
  const missing = largest + 1 - seen.size;
  throw new DatasetError(
    `label ${largest} (image ${index}) is outside the classes the other labels use: ` +
      `no image has label ${gapsOf(distinct)}, so ${missing.toLocaleString('en')} ` +
      `class${missing === 1 ? '' : 'es'} would have no images. ` +
      'Labels are class indices 0, 1, …, K−1 with images in every class: fix that label or renumber the classes',
    file,
  );
}

/** The missing indices between sorted distinct labels, as ranges: `2..999`, `4..6, 8`, at most three. */
function gapsOf(distinct: number[]): string {
  const gaps: string[] = [];
  let expected = 0;
  for (const label of distinct) {
    if (label > expected) gaps.push(label - 1 === expected ? String(expected) : `${expected}..${label - 1}`);
    expected = label + 1;
  }
  return gaps.length > 3 ? `${gaps.slice(0, 3).join(', ')}, …` : gaps.join(', ');
}
