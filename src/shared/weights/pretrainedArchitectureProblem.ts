// Whether a weight file can start a run of this `model.architecture`, from what its tensors' names
// say (guessArchitecture): for `validate` (a .safetensors header) and the editor's squiggles
// (any file, described by `medtransfer inspect-weights`). The run's mapping checks every tensor.
import type { Architecture } from '../experiment/schema';
import type { ArchitectureGuess } from './guessArchitecture';

/** The architectures built to torchvision's definitions, onto which state dicts load. */
export const TORCHVISION_LAYOUT_ARCHITECTURES = [
  'resnet18',
  'resnet50',
  'densenet121',
  'mobilenetv2',
  'efficientnetb0',
] as const satisfies readonly Architecture[];

/** Keras weights-only files load onto these (kerasApplicationWeights.ts in the trainer). */
const KERAS_APPLICATIONS: Partial<Record<ArchitectureGuess['architecture'], Architecture>> = {
  'keras-resnet50': 'resnet50',
  'keras-densenet121': 'densenet121',
};

export interface DescribedWeights {
  format: string;
  /** A Keras file with its model_config: its own topology, whatever model.architecture says. */
  fullModel: boolean;
  architecture: ArchitectureGuess;
}

/** Why `fileName` cannot start this experiment, or null when its names do not say so. */
export function pretrainedArchitectureProblem(
  fileName: string,
  weights: DescribedWeights,
  architecture: Architecture,
): string | null {
  const guess = weights.architecture;
  if (weights.format === 'keras-h5') {
    if (weights.fullModel) return null;
    const fits = KERAS_APPLICATIONS[guess.architecture];
    if (fits === undefined)
      return (
        `\`pretrained\`: ${fileName} is a Keras weights-only file of ${guess.label}: only Keras' ResNet50 ` +
        'and DenseNet121 are built from layer names; save the whole model (model.save()) or convert it to a TF.js folder'
      );
    return fits === architecture
      ? null
      : `\`pretrained\`: ${fileName} holds ${guess.label} weights, for model.architecture ${fits}, not ${architecture}`;
  }
  if (!(TORCHVISION_LAYOUT_ARCHITECTURES as readonly string[]).includes(architecture))
    return (
      `\`pretrained\`: ${fileName} holds torchvision-layout weights, for model.architecture resnet18, ` +
      `resnet50, densenet121, mobilenetv2 or efficientnetb0, not ${architecture}`
    );
  if (guess.architecture === 'unknown' || guess.architecture === architecture) return null;
  return `\`pretrained\`: ${fileName} holds ${guess.label}, not model.architecture ${architecture}`;
}
