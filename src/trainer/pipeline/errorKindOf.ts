// The one place that decides why a run failed, from what was thrown: each kind comes from an
// error class its code throws (data/, training/, backend/, experiment/), so a new failure gets its
// kind where it is thrown, not by matching its message. An out-of-memory error is also recognised
// unwrapped (isOutOfMemory), as tfjs and V8 throw it from anywhere. Anything else is `internal`.
import type { ErrorKind } from '../../shared/run/errorKind';
import { BackendError } from '../backend/backendError';
import { DatasetError } from '../data/dataset';
import { DicomPixelError } from '../data/dicom/pixelData';
import { ExperimentError } from '../experiment/experimentError';
import { OutOfMemoryError, isOutOfMemory } from '../training/outOfMemory';
import { StopRequested } from '../training/stopSignal';
import { DivergedError } from '../training/trainPhase';

/** The kind of failure `thrown` is; null for a stop the user asked for, which is no failure. */
export function errorKindOf(thrown: unknown): ErrorKind | null {
  if (thrown instanceof StopRequested) return null;
  if (thrown instanceof OutOfMemoryError || isOutOfMemory(thrown)) return 'out-of-memory';
  if (thrown instanceof DivergedError) return 'diverged';
  if (thrown instanceof DatasetError || thrown instanceof DicomPixelError) return 'data';
  if (thrown instanceof ExperimentError) return 'experiment';
  if (thrown instanceof BackendError) return 'backend';
  return 'internal';
}
