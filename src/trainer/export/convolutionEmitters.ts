// Convolutions, pools and zero padding: the layers that see the spatial layout. A ZeroPadding2D
// is written as a Pad node, and a 'valid' convolution right after it takes the padding into its
// own pads (the Pad node is then unused and dropped), as torchvision pads inside nn.Conv2d.
import { emitActivation } from './activations';
import type { EmittedOutput, LayerEmission } from './layerEmission';
import { LayerExportError } from './layerExportError';
import type { Attributes, OnnxValue } from './onnxGraphBuilder';
import { int, ints } from './onnxGraphBuilder';
import { permuteShape, transposeValues } from './layout';

type Pads = [number, number, number, number];

/** TensorFlow's 'same': output ⌈size / stride⌉, the odd pixel of padding at the bottom or right. */
function samePadding(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const output = Math.ceil(size / stride);
  const total = Math.max((output - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function spatialSize(emission: LayerEmission, value: OnnxValue): [number, number] {
  const [, height, width] = value.shape;
  if (typeof height !== 'number' || typeof width !== 'number')
    throw new LayerExportError(emission.layer, 'takes images of unknown size; the ONNX export needs a fixed size');
  return [height, width];
}

function paddingFor(
  emission: LayerEmission,
  value: OnnxValue,
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
): Pads {
  const padding = emission.config.string('padding', 'valid');
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same')
    throw new LayerExportError(emission.layer, `has padding '${padding}' (valid or same are written)`);
  const [height, width] = spatialSize(emission, value);
  const [top, bottom] = samePadding(height, kernel[0], strides[0], dilations[0]);
  const [left, right] = samePadding(width, kernel[1], strides[1], dilations[1]);
  return [top, left, bottom, right];
}

function onlyInput(emission: LayerEmission): OnnxValue {
  const [input] = emission.inputs;
  if (emission.inputs.length !== 1 || input === undefined)
    throw new LayerExportError(emission.layer, `has ${emission.inputs.length} inputs, expected one`);
  if (input.shape.length !== 4) throw new LayerExportError(emission.layer, `takes a rank-${input.shape.length} input`);
  return input;
}

interface ConvolutionWeights {
  /** [out, in / group, height, width] */
  kernel: Float32Array;
  kernelShape: number[];
  bias: Float32Array | undefined;
  group: number;
}

function emitConvolution(emission: LayerEmission, weights: ConvolutionWeights): string[] {
  const { builder, layer, config } = emission;
  config.channelsLast();
  const input = onlyInput(emission);
  const kernelSize = config.pair('kernelSize');
  const strides = config.pair('strides', [1, 1]);
  const dilations = config.pair('dilationRate', [1, 1]);
  // A zero-padded input: convolve the unpadded value with the padding added to the convolution's own.
  const source = input.zeroPadded?.source ?? input.name;
  const before: Pads = input.zeroPadded ? [...input.zeroPadded.pads] : [0, 0, 0, 0];
  const own = paddingFor(emission, input, kernelSize, strides, dilations);
  const pads = before.map((pad, index) => pad + (own[index] ?? 0));
  const kernel = builder.floatTensor(`${layer.name}.weight`, weights.kernelShape, weights.kernel);
  const inputs = [source, kernel];
  if (weights.bias) inputs.push(builder.floatTensor(`${layer.name}.bias`, [weights.bias.length], weights.bias));
  const output = builder.node('Conv', inputs, layer.name, {
    kernel_shape: ints(kernelSize),
    strides: ints(strides),
    dilations: ints(dilations),
    pads: ints(pads),
    group: int(weights.group),
  });
  return [emitActivation(builder, layer, config.string('activation', 'linear'), output, 4)];
}

export function emitConv2d(emission: LayerEmission): string[] {
  if (emission.config.number('groups', 1) !== 1)
    throw new LayerExportError(emission.layer, 'has groups; the ONNX export writes ungrouped Conv2D layers');
  const kernel = emission.weights.required('kernel');
  return emitConvolution(emission, {
    // [height, width, in, out] → [out, in, height, width]
    kernel: transposeValues(kernel.values, kernel.shape, [3, 2, 0, 1]),
    kernelShape: permuteShape(kernel.shape, [3, 2, 0, 1]),
    bias: emission.weights.optional('bias')?.values,
    group: 1,
  });
}

export function emitDepthwiseConv2d(emission: LayerEmission): string[] {
  const kernel = emission.weights.required('depthwise_kernel');
  const [height = 1, width = 1, channels = 1, multiplier = 1] = kernel.shape;
  return emitConvolution(emission, {
    // [height, width, in, multiplier] → [in · multiplier, 1, height, width]: output channel
    // c · multiplier + m filters input channel c, as in TF.js's depthwise convolution.
    kernel: transposeValues(kernel.values, kernel.shape, [2, 3, 0, 1]),
    kernelShape: [channels * multiplier, 1, height, width],
    bias: emission.weights.optional('bias')?.values,
    group: channels,
  });
}

function emitPool(emission: LayerEmission, opType: 'MaxPool' | 'AveragePool'): string[] {
  const { builder, layer, config } = emission;
  config.channelsLast();
  const input = onlyInput(emission);
  const poolSize = config.pair('poolSize');
  const strides = config.pair('strides', poolSize);
  const pads = paddingFor(emission, input, poolSize, strides, [1, 1]);
  const attributes: Attributes = { kernel_shape: ints(poolSize), strides: ints(strides), pads: ints(pads) };
  // TensorFlow averages 'same' windows over the pixels inside the image only.
  if (opType === 'AveragePool') attributes.count_include_pad = int(0);
  return [builder.node(opType, [input.name], layer.name, attributes)];
}

export const emitMaxPooling2d = (emission: LayerEmission): string[] => emitPool(emission, 'MaxPool');
export const emitAveragePooling2d = (emission: LayerEmission): string[] => emitPool(emission, 'AveragePool');

function emitGlobalPool(emission: LayerEmission, opType: 'GlobalAveragePool' | 'GlobalMaxPool'): string[] {
  const { builder, layer, config } = emission;
  config.channelsLast();
  const input = onlyInput(emission);
  const pooled = builder.node(opType, [input.name], `${layer.name}_pool`);
  // TF.js's global pools give [batch, channels].
  return [builder.node('Flatten', [pooled], layer.name, { axis: int(1) })];
}

export const emitGlobalAveragePooling2d = (emission: LayerEmission): string[] =>
  emitGlobalPool(emission, 'GlobalAveragePool');
export const emitGlobalMaxPooling2d = (emission: LayerEmission): string[] => emitGlobalPool(emission, 'GlobalMaxPool');

/** A Pad node, its output marked as zero-padded for a following convolution to fold. */
export function emitZeroPadding2d(emission: LayerEmission): EmittedOutput[] {
  const { builder, layer, config } = emission;
  config.channelsLast();
  const input = onlyInput(emission);
  const [top, left, bottom, right] = config.padding2d('padding');
  const pads = builder.int64Vector(`${layer.name}_pads`, [0, 0, top, left, 0, 0, bottom, right]);
  const name = builder.node('Pad', [input.name, pads], layer.name);
  const source = input.zeroPadded?.source ?? input.name;
  const before = input.zeroPadded?.pads ?? [0, 0, 0, 0];
  const total: Pads = [top + before[0], left + before[1], bottom + before[2], right + before[3]];
  return [{ name, zeroPadded: { source, pads: total } }];
}
