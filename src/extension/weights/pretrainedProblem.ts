// The squiggle at `pretrained`'s value: the same checks as `medtransfer validate`
// (pretrainedFileCheck.ts) in the same words, with the file described in full (any format).
import { basename } from 'node:path';
import type { Architecture } from '../../shared/experiment/schema';
import { ARCHITECTURES } from '../../shared/experiment/schema';
import { pretrainedArchitectureProblem } from '../../shared/weights/pretrainedArchitectureProblem';
import type { Inspection } from './weightFileInspector';

function isArchitecture(value: string | null): value is Architecture {
  return value !== null && (ARCHITECTURES as readonly string[]).includes(value);
}

/** Why the named path cannot start this experiment, or null. `architecture`: model.architecture as written. */
export function pretrainedProblem(path: string, inspection: Inspection, architecture: string | null): string | null {
  switch (inspection.kind) {
    case 'missing':
      return `\`pretrained\`: no such file or folder: ${path}`;
    case 'folder':
      return null;
    case 'refused':
      return `\`pretrained\`: ${inspection.message}`;
    case 'described':
      return isArchitecture(architecture)
        ? pretrainedArchitectureProblem(basename(path), inspection.description, architecture)
        : null;
  }
}
