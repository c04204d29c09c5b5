// What `medtransfer inspect-weights --json` says about a weight file (describeWeightFile in the
// trainer), one definition for the CLI and the editor, which reads it from the CLI's output.
import type { Preprocessing } from '../experiment/preprocessing';
import { PREPROCESSING_CHOICES } from '../experiment/preprocessing';
import type { ArchitectureGuess } from './guessArchitecture';

/** The formats MedTransfer reads; the reader that read the file names it. */
export type WeightFileFormat = 'safetensors' | 'pytorch-zip' | 'pytorch-legacy' | 'pytorch-module' | 'keras-h5';

export interface WeightFileDescription {
  file: string;
  format: WeightFileFormat;
  /** A phrase on how the file holds its tensors: "state dict (zip)", "whole module torchvision.models.resnet.ResNet (zip)"… */
  holder: string;
  /** A Keras file with its model_config (its own topology); false for every other file. */
  fullModel: boolean;
  tensorCount: number;
  /** Elements of every tensor but batch-norm statistics and counters (what numel() over parameters() counts). */
  parameterCount: number;
  architecture: ArchitectureGuess;
  /** What the weights were trained on, unless the experiment's `preprocessing:` says otherwise. */
  preprocessing: Preprocessing;
}

/** The preprocessing a file's weights need: Keras applications caffe, TorchXRayVision's modules their own, else ImageNet's. */
export function weightsPreprocessing(format: WeightFileFormat, module: string | undefined): Preprocessing {
  if (format === 'keras-h5') return 'caffe';
  return (module ?? '').startsWith('torchxrayvision') ? 'xrayvision' : 'imagenet';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A guard for the CLI's JSON, which the editor reads from another process (of another version, perhaps). */
export function isWeightFileDescription(value: unknown): value is WeightFileDescription {
  if (!isRecord(value) || !isRecord(value.architecture)) return false;
  const { architecture } = value;
  return (
    typeof value.file === 'string' &&
    typeof value.format === 'string' &&
    typeof value.holder === 'string' &&
    typeof value.fullModel === 'boolean' &&
    typeof value.tensorCount === 'number' &&
    typeof value.parameterCount === 'number' &&
    typeof architecture.architecture === 'string' &&
    typeof architecture.label === 'string' &&
    (architecture.head === null || isRecord(architecture.head)) &&
    (PREPROCESSING_CHOICES as readonly unknown[]).includes(value.preprocessing)
  );
}
