// Walks a TF.js layers model from its outputs back to its inputs through each layer's inbound
// nodes, and writes every layer once its inputs are written, so the ONNX nodes come out in an
// order where each node follows those it reads (as ONNX requires). A nested model (the
// classifier's `base`) is walked in place, its inputs bound to the values that feed it. The walk
// keeps its own stack: a DenseNet-121 is several hundred layers deep.
import { LayersModel } from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { LayerConfig } from './layerConfig';
import { LAYER_EMITTERS } from './layerEmitters';
import { LayerExportError } from './layerExportError';
import { LayerWeights } from './layerWeights';
import type { OnnxGraphBuilder, OnnxValue } from './onnxGraphBuilder';

/** The ONNX values of `outputs`, with the model's inputs bound to `bindings` (by SymbolicTensor id). */
export function walkLayers(
  builder: OnnxGraphBuilder,
  outputs: readonly SymbolicTensor[],
  bindings: ReadonlyMap<number, OnnxValue>,
): OnnxValue[] {
  const values = new Map(bindings);
  const valueOf = (tensor: SymbolicTensor): OnnxValue | undefined => values.get(tensor.id);
  const stack = [...outputs];
  while (stack.length > 0) {
    const tensor = stack[stack.length - 1] as SymbolicTensor;
    if (values.has(tensor.id)) {
      stack.pop();
      continue;
    }
    const layer = tensor.sourceLayer;
    const node = layer.inboundNodes[tensor.nodeIndex];
    // An input layer's node lists its own tensor as its input: unbound, it is an input the export does not feed.
    if (node === undefined || node.inboundLayers.length === 0)
      throw new LayerExportError(layer, 'is an input that nothing feeds: the model has more than one input');
    const pending = node.inputTensors.filter((input) => !values.has(input.id));
    if (pending.length > 0) {
      stack.push(...pending);
      continue;
    }
    const inputs = node.inputTensors.map((input) => valueOf(input) as OnnxValue);
    const produced = writeLayer(builder, layer, inputs, node.outputTensors);
    node.outputTensors.forEach((output, index) => {
      const value = produced[index];
      if (value === undefined) throw new LayerExportError(layer, `gave no ONNX value for its output ${index}`);
      values.set(output.id, value);
    });
  }
  return outputs.map((tensor) => valueOf(tensor) as OnnxValue);
}

function writeLayer(
  builder: OnnxGraphBuilder,
  layer: Layer,
  inputs: OnnxValue[],
  outputs: readonly SymbolicTensor[],
): OnnxValue[] {
  if (layer instanceof LayersModel) {
    if (layer.inputs.length !== inputs.length)
      throw new LayerExportError(layer, `takes ${layer.inputs.length} inputs but is given ${inputs.length}`);
    const bindings = new Map(layer.inputs.map((input, index) => [input.id, inputs[index] as OnnxValue]));
    return walkLayers(builder, layer.outputs, bindings);
  }
  const className = layer.getClassName();
  const emitter = LAYER_EMITTERS[className];
  if (emitter === undefined) {
    throw new LayerExportError(
      layer,
      `has no ONNX counterpart in the export (it writes ${Object.keys(LAYER_EMITTERS).join(', ')})`,
    );
  }
  const emitted = emitter({
    builder,
    layer,
    config: new LayerConfig(layer),
    weights: new LayerWeights(layer),
    inputs,
  });
  return emitted.map((output, index) => ({
    ...(typeof output === 'string' ? { name: output } : output),
    shape: outputs[index]?.shape ?? [],
  }));
}
