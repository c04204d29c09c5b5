// What an architecture declares: how it turns images into features, and how its layers group
// into the blocks that `fineTune.trainableBlocks` counts from the top.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { SeededRandom } from '../../random';

export interface ArchitectureDefinition {
  /** Input images → the pooled features a classifier head takes. */
  features(input: SymbolicTensor, random: SeededRandom): SymbolicTensor;
  /**
   * The block of a base layer with weights, from the layer's name; undefined when the name is not
   * one this architecture gives. A base whose every such layer has a block here is this
   * architecture's, whether built now or loaded from a saved model.
   */
  blockOf(layerName: string): string | undefined;
}

/** An architecture built to torchvision's definition, whose state dicts map onto it. */
export interface TorchvisionArchitecture extends ArchitectureDefinition {
  /** torchvision's name for it (`torchvision.models.<name>`). */
  torchvisionName: string;
  /** The module path of the classifier head in torchvision's model (`fc`, `classifier.1`). */
  head: string;
}
