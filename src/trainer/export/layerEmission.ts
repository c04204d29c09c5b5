// What a per-layer emitter gets (the layer, its configuration and weights, the ONNX values of its
// inputs) and gives back: the names of its outputs, in the order of the layer's outputs.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerConfig } from './layerConfig';
import type { LayerWeights } from './layerWeights';
import type { OnnxGraphBuilder, OnnxValue } from './onnxGraphBuilder';

export interface LayerEmission {
  builder: OnnxGraphBuilder;
  layer: Layer;
  config: LayerConfig;
  weights: LayerWeights;
  inputs: OnnxValue[];
}

/** An output's name, or the name with what it is made of (a padding a convolution can fold). */
export type EmittedOutput = string | Pick<OnnxValue, 'name' | 'zeroPadded'>;

export type LayerEmitter = (emission: LayerEmission) => EmittedOutput[];
