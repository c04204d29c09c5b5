// Datasets as the loaders return them: images in an ImageStore (compact, in memory or streamed,
// read as float32 NHWC in [0, 1]) with integer labels, so the rest of the trainer never sees file formats.
import type { IntensityScaling } from '../../shared/run/intensityScaling';
import type { ImageStore } from './imageStore';

/** [height, width, channels] */
export type ImageShape = [number, number, number];

export interface ImageSet {
  /** count images of `shape`, read as values in [0, 1], row-major NHWC. */
  images: ImageStore;
  /** count labels in [0, classes.length). */
  labels: Int32Array;
  count: number;
  shape: ImageShape;
  /**
   * Per image, a group (patient, or the volume a slice came from) that must stay within one
   * split; absent when every image stands alone.
   */
  groups?: Int32Array;
  /**
   * The file that holds these images, in the formats that keep a split in one array
   * (`x.npz/train_images.npy`), so that an error about image i names it.
   */
  source?: string;
}

export interface LoadedDataset {
  /** Human description for logs and run-started (`pneumoniamnist-subset.npz (medmnist)`). */
  description: string;
  /** Class names in label order (from the files, or `class 0`, `class 1`… when the format has none). */
  classes: string[];
  train: ImageSet;
  /** The format's own validation split, or null when it has none (one is then made). */
  val: ImageSet | null;
  /** The format's own test split, or null when it has none (one is then made). */
  test: ImageSet | null;
  /** What the log should say about the files (skipped files, identifiers found). */
  notes?: string[];
  /** Lines for the log that are no warning (cache hit or miss). */
  info?: string[];
  /** What `groups` are: splits then keep each group whole and the log counts them. */
  groupedBy?: 'patient' | 'volume';
  /** Stored values scaled by the data's real range rather than their type's (12-bit data in uint16). */
  scaling?: IntensityScaling[];
}

/** A dataset ready for training: every split present, converted to the model's input shape. */
export interface PreparedDataset {
  description: string;
  classes: string[];
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
}

/** A clear, user-facing error about a dataset (names the file and what to do). */
export class DatasetError extends Error {
  /** `shownAs` names the file in the message (a path relative to the dataset folder, say). */
  constructor(
    message: string,
    readonly file?: string,
    shownAs: string | undefined = file,
  ) {
    super(shownAs ? `${shownAs}: ${message}` : message);
    this.name = 'DatasetError';
  }
}
