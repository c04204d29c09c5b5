// Runs of layer calls in a flat graph (layerGraph.ts) that one convolution kernel computes. The
// torchvision architectures pad explicitly, ZeroPadding2D then a 'valid' convolution
// (torchLayers.ts says why): run as one convolution with that explicit padding, oneDNN (or wasm)
// reads the zeros implicitly, and neither the padded copy (PadV2) nor, in training, the slice of
// its gradient (Slice) is made. Same sums: the padding adds zeros to them. Training and inference.
import { add, conv2d, depthwiseConv2d, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerVariable } from '@tensorflow/tfjs-layers/dist/variables';
import type { LayerGraph } from './layerGraph';

/** Zeros before and after, per NHWC axis, as tfjs convolutions take explicit padding. */
export type ExplicitPadding = [[0, 0], [number, number], [number, number], [0, 0]];

/** Calls of a graph that run as one: `members` in the graph's order, the first taking the input. */
export interface CallChain {
  /** Indices in the graph's calls. */
  members: number[];
  /** What the last member outputs: the value the chain gives. */
  output: SymbolicTensor;
  /** The tensors between the members, which a run must not be asked for. */
  inner: SymbolicTensor[];
  run(input: Tensor, training: boolean): Tensor;
}

/** The fields of tfjs-layers' Conv2D and DepthwiseConv2D read here (protected there). */
export interface ConvolutionFields {
  kernel?: LayerVariable;
  depthwiseKernel?: LayerVariable;
  bias: LayerVariable | null;
  useBias: boolean;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  activation: { getClassName(): string; apply(x: Tensor): Tensor };
}

/** A channels-last Conv2D or DepthwiseConv2D with 'same' or 'valid' padding, its fields; else null. */
export function convolutionOf(layer: Layer): ConvolutionFields | null {
  const name = layer.getClassName();
  if (name !== 'Conv2D' && name !== 'DepthwiseConv2D') return null;
  const fields = layer as unknown as ConvolutionFields;
  const kernel = name === 'Conv2D' ? fields.kernel : fields.depthwiseKernel;
  if (kernel === undefined || fields.dataFormat !== 'channelsLast') return null;
  return fields.padding === 'same' || fields.padding === 'valid' ? fields : null;
}

export function isDepthwise(layer: Layer): boolean {
  return layer.getClassName() === 'DepthwiseConv2D';
}

/** The convolution's filter: its kernel, or its depthwise kernel. */
export function filterOf(layer: Layer, fields: ConvolutionFields): Tensor4D {
  return (isDepthwise(layer) ? fields.depthwiseKernel : fields.kernel)?.read() as Tensor4D;
}

/** The one call that reads `tensor`, unless others do too or it is the graph's output. */
export function onlyReaderIn(graph: LayerGraph): (tensor: SymbolicTensor) => number | null {
  const readers = new Map<number, number[]>();
  graph.calls.forEach((call, index) => {
    for (const input of call.inputs) readers.set(input.id, [...(readers.get(input.id) ?? []), index]);
  });
  return (tensor) => {
    const found = readers.get(tensor.id);
    return found?.length === 1 && tensor.id !== graph.output.id ? (found[0] ?? null) : null;
  };
}

/** A channels-last ZeroPadding2D's padding as a convolution takes it; null for another layer. */
export function zeroPaddingOf(layer: Layer): ExplicitPadding | null {
  if (layer.getClassName() !== 'ZeroPadding2D') return null;
  const fields = layer as unknown as { padding: [[number, number], [number, number]]; dataFormat: string };
  if (fields.dataFormat !== 'channelsLast') return null;
  const [height, width] = fields.padding;
  return [[0, 0], height, width, [0, 0]];
}

/**
 * The padding call before the convolution at `convolutionIndex` that only it reads, with the
 * padding, where the convolution pads nothing itself; null otherwise.
 */
export function paddingBefore(
  graph: LayerGraph,
  convolutionIndex: number,
  onlyReader: (tensor: SymbolicTensor) => number | null,
): { index: number; padding: ExplicitPadding } | null {
  const convolution = graph.calls[convolutionIndex];
  if (!convolution || convolution.inputs.length !== 1 || convolutionOf(convolution.layer)?.padding !== 'valid')
    return null;
  const [input] = convolution.inputs;
  const index = graph.calls.findIndex((call) => call.output.id === input?.id);
  const call = graph.calls[index];
  if (!call || !input || call.inputs.length !== 1 || onlyReader(input) !== convolutionIndex) return null;
  const padding = zeroPaddingOf(call.layer);
  return padding ? { index, padding } : null;
}

/** The layer's convolution (strides, dilations, `pad`), its bias and activation left to the caller. */
export function convolve(
  layer: Layer,
  fields: ConvolutionFields,
  input: Tensor,
  filter: Tensor4D,
  pad: 'same' | 'valid' | ExplicitPadding,
): Tensor4D {
  const strides = fields.strides as [number, number];
  const dilations = fields.dilationRate as [number, number];
  return isDepthwise(layer)
    ? depthwiseConv2d(input as Tensor4D, filter, strides, pad, 'NHWC', dilations)
    : conv2d(input as Tensor4D, filter, strides, pad, 'NHWC', dilations);
}

/** ZeroPadding2D → convolution, per padding call's index; computed once a graph. */
const chainsOf = new WeakMap<LayerGraph, ReadonlyMap<number, CallChain>>();

export function paddedConvolutions(graph: LayerGraph): ReadonlyMap<number, CallChain> {
  const known = chainsOf.get(graph);
  if (known) return known;
  const onlyReader = onlyReaderIn(graph);
  const chains = new Map<number, CallChain>();
  graph.calls.forEach((call, index) => {
    const fields = convolutionOf(call.layer);
    const padding = fields ? paddingBefore(graph, index, onlyReader) : null;
    const pad = padding ? graph.calls[padding.index] : undefined;
    if (!fields || !padding || !pad) return;
    chains.set(padding.index, {
      members: [padding.index, index],
      output: call.output,
      inner: [pad.output],
      // What tfjs-layers' convolution layers compute: the convolution, the bias, the activation.
      run: (input) =>
        tidy(() => {
          const output = convolve(call.layer, fields, input, filterOf(call.layer, fields), padding.padding);
          const biased = fields.useBias && fields.bias ? add(output, fields.bias.read()) : output;
          return fields.activation.apply(biased);
        }),
    });
  });
  chainsOf.set(graph, chains);
  return chains;
}
