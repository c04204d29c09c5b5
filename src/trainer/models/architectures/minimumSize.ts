// The smallest image an architecture builds for, as the schema declares it (ARCHITECTURE_MIN_SIZE):
// the schema refuses a smaller model.inputShape; a pretrained model's own size can still be one.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ARCHITECTURE_MIN_SIZE } from '../../../shared/experiment/schema';
import type { Architecture } from '../../../shared/experiment/schema';
import { ExperimentError } from '../../experiment/experimentError';

export function requireMinimumSize(input: SymbolicTensor, architecture: Architecture): void {
  const [, height, width] = input.shape;
  const minimum = ARCHITECTURE_MIN_SIZE[architecture];
  if ((height ?? 0) >= minimum.size && (width ?? 0) >= minimum.size) return;
  throw new ExperimentError(
    `${architecture} needs images of at least ${minimum.size}×${minimum.size} (${minimum.reason}); ` +
      `these are ${height}×${width}: use a larger inputShape`,
  );
}
