// The weights of a TF.js layer by their role (`kernel`, `bias`, `gamma`…), read as float32 values
// with their shapes, whatever the layer and its variables were named when the model was built.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { LayerExportError } from './layerExportError';

export interface WeightValues {
  shape: number[];
  values: Float32Array;
}

function roleOf(variableName: string): string {
  // `conv1/kernel`, `base/layer1.0.conv1/kernel`: the role is the last part.
  return variableName.split('/').at(-1) ?? variableName;
}

export class LayerWeights {
  private readonly byRole = new Map<string, WeightValues>();

  constructor(private readonly layer: Layer) {
    for (const variable of layer.weights) {
      const tensor = variable.read();
      this.byRole.set(roleOf(variable.originalName), {
        shape: [...tensor.shape],
        values: Float32Array.from(tensor.dataSync()),
      });
    }
  }

  optional(role: string): WeightValues | undefined {
    return this.byRole.get(role);
  }

  required(role: string): WeightValues {
    const weight = this.byRole.get(role);
    if (weight === undefined)
      throw new LayerExportError(
        this.layer,
        `has no \`${role}\` weight (it has: ${[...this.byRole.keys()].join(', ')})`,
      );
    return weight;
  }
}
