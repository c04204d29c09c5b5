// A layer the exporter cannot write as ONNX, named with its class so that the user sees which
// part of the model (often one from a Keras import) stands in the way.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';

export class LayerExportError extends Error {
  constructor(layer: Layer, problem: string) {
    super(`layer \`${layer.name}\` (${layer.getClassName()}) ${problem}`);
    this.name = 'LayerExportError';
  }
}
