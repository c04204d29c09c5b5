// A model's layer calls as one flat list in a topological order, nested models (the classifier's
// `base`) opened up, so that the model can be run from any of its tensors: the frozen part once,
// the rest on its cached output (training/frozenSplit.ts). tfjs-layers cannot make a model whose
// input is an inner tensor (a model's inputs must be InputLayers), and applying the layers to a
// new input would add inbound nodes to them, after which `layer.output` is ambiguous (explain
// reads it). So the calls are made here as tfjs-layers' executor makes them (engine/executor.ts:
// every input as a list, the caller's kwargs), on the model's own layer objects: what trains is
// the model's weights, and saving and checkpoints see the model as it was.
import { LayersModel } from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { batchNormRelus } from './batchNormReluChains';
import { paddedConvolutions } from './convolutionChains';
import type { CallChain } from './convolutionChains';
import type { BatchNormFolding } from './foldedBatchNorm';
import { paddedMaxPools } from './paddedMaxPool';

export interface LayerCall {
  layer: Layer;
  inputs: SymbolicTensor[];
  output: SymbolicTensor;
}

export interface LayerGraph {
  input: SymbolicTensor;
  output: SymbolicTensor;
  /** Every input of a call is the graph's input or the output of an earlier call. */
  calls: LayerCall[];
}

const flattened = new WeakMap<LayersModel, LayerGraph | null>();

/** flattenModel's graph of `model`, made once a model (a training step and inference run it alike). */
export function flatGraphOf(model: LayersModel): LayerGraph | null {
  if (!flattened.has(model)) flattened.set(model, flattenModel(model));
  return flattened.get(model) ?? null;
}

/** The model's calls, or null for a graph this cannot run: several inputs or outputs, a layer with several outputs. */
export function flattenModel(model: LayersModel): LayerGraph | null {
  const input = model.inputs[0];
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !input) return null;
  const calls: LayerCall[] = [];
  const output = open(model, [input], calls)?.[0];
  return output ? { input, output, calls } : null;
}

/** Appends the calls of `model` fed by `fedBy`; returns its outputs as tensors of the flat graph. */
function open(model: LayersModel, fedBy: SymbolicTensor[], calls: LayerCall[]): SymbolicTensor[] | null {
  const flat = new Map<number, SymbolicTensor>();
  model.inputs.forEach((input, index) => {
    const fed = fedBy[index];
    if (fed) flat.set(input.id, fed);
  });
  for (const tensor of topologicalOrder(model)) {
    const inputs = tensor.inputs.map((input) => flat.get(input.id));
    if (!inputs.every((input): input is SymbolicTensor => input !== undefined)) return null;
    const layer = tensor.sourceLayer;
    if (layer instanceof LayersModel) {
      if (layer.outputs.length !== 1) return null;
      const outputs = open(layer, inputs, calls);
      if (!outputs?.[0]) return null;
      flat.set(tensor.id, outputs[0]);
      continue;
    }
    if (layer.inboundNodes[tensor.nodeIndex]?.outputTensors.length !== 1) return null;
    calls.push({ layer, inputs, output: tensor });
    flat.set(tensor.id, tensor);
  }
  const outputs = model.outputs.map((output) => flat.get(output.id));
  return outputs.every((output): output is SymbolicTensor => output !== undefined) ? outputs : null;
}

/** The model's tensors after its inputs, each after the tensors it is computed from (depth first from the outputs). */
function topologicalOrder(model: LayersModel): SymbolicTensor[] {
  const done = new Set<number>(model.inputs.map((input) => input.id));
  const order: SymbolicTensor[] = [];
  const visit = (tensor: SymbolicTensor): void => {
    const stack: Array<{ tensor: SymbolicTensor; expanded: boolean }> = [{ tensor, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop();
      if (!top || done.has(top.tensor.id)) continue;
      if (top.expanded || top.tensor.inputs.length === 0) {
        done.add(top.tensor.id);
        order.push(top.tensor);
        continue;
      }
      stack.push({ tensor: top.tensor, expanded: true });
      for (const input of [...top.tensor.inputs].reverse())
        if (!done.has(input.id)) stack.push({ tensor: input, expanded: false });
    }
  };
  model.outputs.forEach(visit);
  return order;
}

/**
 * Runs calls [from, to) of the graph with `fed` as the value of `fedTensor`, and returns the value of
 * `fetch`. Every value is disposed after its last use, in training too: the gradient tape keeps its
 * own handle on each tensor a gradient needs, so what is freed here is what no gradient reads (a
 * batch norm's output that its ReLU does not save, say). tfjs-layers' executor keeps every layer's
 * output until the model's call ends when training, so that a step of mobilenetv2 at 224 px
 * peaked at ~210 MB an image instead of the ~120 MB the gradients need. In training, call it
 * inside variableGrads() or tidy(), as the layers' own intermediate tensors are tidied there.
 * A ZeroPadding2D and the convolution or max pool after it run as one padded convolution or pool
 * (convolutionChains.ts, paddedMaxPool.ts), in training a batch norm and the ReLU that alone reads it
 * as one (batchNormReluChains.ts), and outside training `folding` runs each convolution → batch norm
 * (→ activation) chain as one kernel, where the whole chain lies in the range and none of its inner
 * tensors is fetched.
 */
export function runCalls(
  graph: LayerGraph,
  range: { from: number; to: number },
  fedTensor: SymbolicTensor,
  fed: Tensor,
  fetch: SymbolicTensor,
  training: boolean,
  folding?: BatchNormFolding,
): Tensor {
  const uses = new Map<number, number>();
  for (const call of graph.calls.slice(range.from, range.to))
    for (const input of call.inputs) uses.set(input.id, (uses.get(input.id) ?? 0) + 1);
  const values = new Map<number, Tensor>([[fedTensor.id, fed]]);
  const kwargs = { training };
  // Calls whose output a chain's one kernel gives (convolutionChains.ts; foldedBatchNorm.ts in inference).
  const foldedAway = new Set<number>();
  const usable = (chain: CallChain | undefined): chain is CallChain =>
    chain !== undefined &&
    chain.members.every((member) => member < range.to) &&
    !chain.inner.some((tensor) => tensor.id === fetch.id);
  for (let index = range.from; index < range.to; index++) {
    const call = graph.calls[index];
    if (!call || foldedAway.has(index)) continue;
    const inputs = call.inputs.map((input) => {
      const value = values.get(input.id);
      if (!value) throw new Error(`internal error: ${call.layer.name} runs before its input ${input.name}`);
      return value;
    });
    const chain = [
      training ? undefined : folding?.folded.get(index),
      paddedConvolutions(graph).get(index),
      paddedMaxPools(graph).get(index),
      training ? batchNormRelus(graph).get(index) : undefined,
    ].find(usable);
    if (chain && inputs[0]) {
      chain.members.forEach((member) => foldedAway.add(member));
      values.set(chain.output.id, chain.run(inputs[0], training));
    } else {
      const output = call.layer.apply(inputs, kwargs);
      values.set(call.output.id, (Array.isArray(output) ? output[0] : output) as Tensor);
    }
    for (const input of call.inputs) {
      const left = (uses.get(input.id) ?? 0) - 1;
      uses.set(input.id, left);
      const value = values.get(input.id);
      if (left !== 0 || input.id === fedTensor.id || input.id === fetch.id || !value) continue;
      values.delete(input.id);
      // A layer may hand back its input itself (dropout outside training): that value lives on.
      if (![...values.values()].includes(value)) value.dispose();
    }
  }
  const result = values.get(fetch.id);
  if (!result) throw new Error(`internal error: ${fetch.name} is not computed by these calls`);
  return result;
}
