// What a MedMNIST .npz holds, whether it is read whole or streamed: its three splits, each an
// images array of (N, H, W) or (N, H, W, C) and a labels array of one class index an image.
import { DatasetError } from './dataset';
import type { NpyArray } from './npy';
import { counted } from '../../shared/text/plural';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

/** (N, H, W) or (N, H, W, C) with 1 or 3 channels, as count and [H, W, C]; else a DatasetError. */
export function imagesShape(dimensions: number[], file: string): { count: number; shape: [number, number, number] } {
  const [count, height, width, channels, ...rest] = dimensions;
  const array = { shape: dimensions };
  if (count === undefined || height === undefined || width === undefined || rest.length > 0) {
    throw new DatasetError(`images must have shape (N, H, W) or (N, H, W, C); got (${array.shape.join(', ')})`, file);
  }
  if (channels !== undefined && channels !== 1 && channels !== 3) {
    // MedMNIST's 3-D sets (organmnist3d…) are (N, 28, 28, 28) volumes, not 2-D images.
    throw new DatasetError(
      `images must have 1 or 3 channels; got shape (${array.shape.join(', ')}) ` +
        '(3-D MedMNIST volumes are not supported)',
      file,
    );
  }
  return { count, shape: [height, width, channels ?? 1] };
}

/** The labels array of `count` images: (N,) or (N, 1) non-negative class indices; else a DatasetError. */
export function readLabels(array: NpyArray, count: number, file: string): Int32Array {
  const [rows, columns, ...rest] = array.shape;
  if (rows === undefined || rest.length > 0)
    throw new DatasetError(`labels must have shape (N,) or (N, 1); got (${array.shape.join(', ')})`, file);
  if (columns !== undefined && columns > 1) {
    // chestmnist (14 findings) is multi-label: each image has a 0/1 vector, not one class.
    throw new DatasetError(
      `labels have shape (${array.shape.join(', ')}): ` +
        'multi-label datasets (one 0/1 column per finding) are not supported yet; use a single-label MedMNIST set',
      file,
    );
  }
  if (rows !== count) throw new DatasetError(`${counted(rows, 'label')} for ${counted(count, 'image')}`, file);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const value = array.values[i] ?? -1;
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff)
      throw new DatasetError(`label ${value} at index ${i} is not a non-negative integer class index`, file);
    labels[i] = value;
  }
  return labels;
}
