// Batch normalisation → ReLU pairs of a flat graph (layerGraph.ts) that train as one call: the
// stem and the first convolution of each block in the ResNets, every ReLU in DenseNet. Where the
// backend has the fused kernels (batchNormReluKernels.ts: the native path) the pair is one pass
// each way, without the normalised tensor between them; elsewhere the two layers run as they are.
// Training only: inference folds the batch norm into the convolution before it (foldedBatchNorm.ts).
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { FastBatchNormalization } from './batchNormalization';
import { onlyReaderIn } from './convolutionChains';
import type { CallChain } from './convolutionChains';
import type { LayerGraph } from './layerGraph';

/** An Activation layer computing ReLU (not ReLU6: oneDNN's fused ReLU has no upper bound). */
function isRelu(layer: Layer): boolean {
  if (layer.getClassName() !== 'Activation') return false;
  const activation = (layer as unknown as { activation?: { getClassName(): string } }).activation;
  return activation?.getClassName() === 'relu';
}

function applied(layer: Layer, input: Tensor, training: boolean): Tensor {
  const output = layer.apply([input], { training });
  return (Array.isArray(output) ? output[0] : output) as Tensor;
}

/** Batch norm → ReLU, per batch norm call's index; computed once a graph. */
const chainsOf = new WeakMap<LayerGraph, ReadonlyMap<number, CallChain>>();

export function batchNormRelus(graph: LayerGraph): ReadonlyMap<number, CallChain> {
  const known = chainsOf.get(graph);
  if (known) return known;
  const onlyReader = onlyReaderIn(graph);
  const chains = new Map<number, CallChain>();
  graph.calls.forEach((call, index) => {
    const norm = call.layer;
    if (!(norm instanceof FastBatchNormalization) || call.inputs.length !== 1) return;
    const reluIndex = onlyReader(call.output);
    const relu = reluIndex === null ? undefined : graph.calls[reluIndex];
    if (reluIndex === null || !relu || relu.inputs.length !== 1 || !isRelu(relu.layer)) return;
    chains.set(index, {
      members: [index, reluIndex],
      output: relu.output,
      inner: [call.output],
      run: (input, training) => {
        const fused = training ? norm.trainWithRelu(input) : null;
        if (fused) return fused;
        // As runCalls would run the two: the normalised tensor freed once the ReLU has read it.
        const normed = applied(norm, input, training);
        const output = applied(relu.layer, normed, training);
        if (output !== normed) normed.dispose();
        return output;
      },
    });
  });
  chainsOf.set(graph, chains);
  return chains;
}
