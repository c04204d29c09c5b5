// The torchvision stems' max pool (resnets, densenet121) is a ZeroPadding2D then a 'valid'
// MaxPooling2D (torchLayers.ts maxPool says why zeros stand in for PyTorch's −∞). Run as one max
// pool with that padding, the padded copy (PadV2, the largest activation of the network: resnet18
// at 128 px copies 64 MB of it a 64-image batch) and, in training, the slice of its gradient are not
// made. The maxima are the same where what is padded cannot be negative (a ReLU's or ReLU6's
// output) and no window lies wholly in the padding (padding below the pool size): each window
// holds a real value ≥ 0, so a zero from the padding never exceeds it. A gradient that a tie sends
// to a padded zero in one form reaches a real 0 in the other, where the ReLU before stops it.
import { maxPool } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { onlyReaderIn, zeroPaddingOf } from './convolutionChains';
import type { CallChain } from './convolutionChains';
import type { LayerGraph } from './layerGraph';

/** The fields of tfjs-layers' MaxPooling2D read here (protected there). */
interface PoolingFields {
  poolSize: [number, number];
  strides: [number, number];
  padding: string;
  dataFormat: string;
}

const NON_NEGATIVE_ACTIVATIONS = new Set(['relu', 'relu6']);

function validMaxPoolOf(layer: Layer): PoolingFields | null {
  if (layer.getClassName() !== 'MaxPooling2D') return null;
  const fields = layer as unknown as PoolingFields;
  return fields.padding === 'valid' && fields.dataFormat === 'channelsLast' ? fields : null;
}

/** Whether every value the layer outputs is ≥ 0: an Activation layer with ReLU or ReLU6. */
function outputsNonNegative(layer: Layer): boolean {
  if (layer.getClassName() !== 'Activation') return false;
  const activation = (layer as unknown as { activation?: { getClassName(): string } }).activation;
  return activation !== undefined && NON_NEGATIVE_ACTIVATIONS.has(activation.getClassName());
}

const chainsOf = new WeakMap<LayerGraph, ReadonlyMap<number, CallChain>>();

/** ZeroPadding2D → MaxPooling2D, per padding call's index, where they pool as one; computed once a graph. */
export function paddedMaxPools(graph: LayerGraph): ReadonlyMap<number, CallChain> {
  const known = chainsOf.get(graph);
  if (known) return known;
  const onlyReader = onlyReaderIn(graph);
  const producer = new Map(graph.calls.map((call) => [call.output.id, call]));
  const chains = new Map<number, CallChain>();
  graph.calls.forEach((call, index) => {
    const pool = validMaxPoolOf(call.layer);
    const [padded] = call.inputs;
    const padIndex = graph.calls.findIndex((candidate) => candidate.output.id === padded?.id);
    const pad = graph.calls[padIndex];
    const [beforePad] = pad?.inputs ?? [];
    if (!pool || !padded || !pad || call.inputs.length !== 1 || onlyReader(padded) !== index) return;
    const padding = zeroPaddingOf(pad.layer);
    const source = beforePad ? producer.get(beforePad.id) : undefined;
    if (!padding || pad.inputs.length !== 1 || !source || !outputsNonNegative(source.layer)) return;
    const [, [top, bottom], [left, right]] = padding;
    const [poolHeight, poolWidth] = pool.poolSize;
    if (top !== bottom || left !== right || top !== left || top >= poolHeight || left >= poolWidth) return;
    chains.set(padIndex, {
      members: [padIndex, index],
      output: call.output,
      inner: [pad.output],
      run: (input: Tensor) => maxPool(input as Tensor4D, pool.poolSize, pool.strides, top),
    });
  });
  chainsOf.set(graph, chains);
  return chains;
}
