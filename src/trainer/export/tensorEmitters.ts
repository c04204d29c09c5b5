// Layers that work channel by channel or on whole tensors: batch norm, dense, activations, the
// merges of residual and dense blocks, flatten and reshape, and the layers that do nothing at
// inference (dropout and noise).
import { clip, emitActivation } from './activations';
import type { LayerEmission } from './layerEmission';
import { LayerExportError } from './layerExportError';
import { float, int } from './onnxGraphBuilder';
import type { OnnxValue } from './onnxGraphBuilder';
import { NHWC_TO_NCHW, onnxAxis, toTfjsLayout } from './layout';
import { ints } from './onnxGraphBuilder';

function onlyInput(emission: LayerEmission): OnnxValue {
  const [input] = emission.inputs;
  if (emission.inputs.length !== 1 || input === undefined)
    throw new LayerExportError(emission.layer, `has ${emission.inputs.length} inputs, expected one`);
  return input;
}

export function emitBatchNormalization(emission: LayerEmission): string[] {
  const { builder, layer, config, weights } = emission;
  const input = onlyInput(emission);
  const rank = input.shape.length;
  const axis = config.number('axis', -1);
  if (axis !== -1 && axis !== rank - 1)
    throw new LayerExportError(layer, `normalises axis ${axis}; the ONNX export writes batch norm over the channels`);
  const mean = weights.required('moving_mean').values;
  const variance = weights.required('moving_variance').values;
  const channels = mean.length;
  const gamma = weights.optional('gamma')?.values ?? new Float32Array(channels).fill(1);
  const beta = weights.optional('beta')?.values ?? new Float32Array(channels);
  const name = layer.name;
  const inputs = [
    input.name,
    builder.floatTensor(`${name}.weight`, [channels], gamma),
    builder.floatTensor(`${name}.bias`, [channels], beta),
    builder.floatTensor(`${name}.running_mean`, [channels], mean),
    builder.floatTensor(`${name}.running_var`, [channels], variance),
  ];
  return [builder.node('BatchNormalization', inputs, name, { epsilon: float(config.number('epsilon', 1e-3)) })];
}

export function emitDense(emission: LayerEmission): string[] {
  const { builder, layer, config, weights } = emission;
  const input = onlyInput(emission);
  if (input.shape.length !== 2)
    throw new LayerExportError(
      layer,
      `takes a rank-${input.shape.length} input; the ONNX export writes Dense on vectors`,
    );
  const kernel = weights.required('kernel');
  const inputs = [input.name, builder.floatTensor(`${layer.name}.weight`, kernel.shape, kernel.values)];
  const bias = weights.optional('bias');
  if (bias) inputs.push(builder.floatTensor(`${layer.name}.bias`, bias.shape, bias.values));
  const output = builder.node('Gemm', inputs, layer.name);
  return [emitActivation(builder, layer, config.string('activation', 'linear'), output, 2)];
}

export function emitActivationLayer(emission: LayerEmission): string[] {
  const input = onlyInput(emission);
  const activation = emission.config.string('activation');
  return [emitActivation(emission.builder, emission.layer, activation, input.name, input.shape.length)];
}

export function emitRelu(emission: LayerEmission): string[] {
  const { builder, layer, config } = emission;
  const input = onlyInput(emission);
  const maxValue = config.optionalNumber('maxValue');
  if (maxValue === null) return [builder.node('Relu', [input.name], layer.name)];
  return [clip(builder, input.name, 0, maxValue, layer.name)];
}

export function emitLeakyRelu(emission: LayerEmission): string[] {
  const input = onlyInput(emission);
  const alpha = float(emission.config.number('alpha', 0.3));
  return [emission.builder.node('LeakyRelu', [input.name], emission.layer.name, { alpha })];
}

export function emitSoftmaxLayer(emission: LayerEmission): string[] {
  const input = onlyInput(emission);
  const axis = onnxAxis(emission.config.number('axis', -1), input.shape.length);
  return [emission.builder.node('Softmax', [input.name], emission.layer.name, { axis: int(axis) })];
}

function sameRank(emission: LayerEmission): OnnxValue[] {
  const ranks = new Set(emission.inputs.map((input) => input.shape.length));
  if (ranks.size !== 1 || emission.inputs.length < 2)
    throw new LayerExportError(emission.layer, 'merges inputs of different ranks; the ONNX export needs equal ranks');
  return emission.inputs;
}

/** Add, Multiply, Subtract, Average, Maximum, Minimum: element by element, broadcast as numpy does (TF.js too). */
function emitMerge(emission: LayerEmission, opType: 'Sum' | 'Mul' | 'Sub' | 'Mean' | 'Max' | 'Min'): string[] {
  const { builder, layer } = emission;
  const names = sameRank(emission).map((input) => input.name);
  if (opType === 'Sum' && names.length === 2) return [builder.node('Add', names, layer.name)];
  if (opType === 'Sub' || opType === 'Mul') {
    // Binary in ONNX: fold left over the inputs.
    let result = names[0] ?? '';
    for (const [index, name] of names.slice(1).entries()) {
      const last = index === names.length - 2;
      result = builder.node(opType, [result, name], last ? layer.name : `${layer.name}_${index}`);
    }
    return [result];
  }
  return [builder.node(opType, names, layer.name)];
}

export const emitAdd = (emission: LayerEmission): string[] => emitMerge(emission, 'Sum');
export const emitMultiply = (emission: LayerEmission): string[] => emitMerge(emission, 'Mul');
export const emitSubtract = (emission: LayerEmission): string[] => emitMerge(emission, 'Sub');
export const emitAverage = (emission: LayerEmission): string[] => emitMerge(emission, 'Mean');
export const emitMaximum = (emission: LayerEmission): string[] => emitMerge(emission, 'Max');
export const emitMinimum = (emission: LayerEmission): string[] => emitMerge(emission, 'Min');

export function emitConcatenate(emission: LayerEmission): string[] {
  const inputs = sameRank(emission);
  const rank = inputs[0]?.shape.length ?? 0;
  const axis = onnxAxis(emission.config.number('axis', -1), rank);
  const names = inputs.map((input) => input.name);
  return [emission.builder.node('Concat', names, emission.layer.name, { axis: int(axis) })];
}

/** Flatten keeps TF.js's memory order: a rank-4 value goes back to NHWC first, as a Dense after it expects. */
export function emitFlatten(emission: LayerEmission): string[] {
  const { builder, layer } = emission;
  const input = onlyInput(emission);
  if (input.shape.length === 2) return [input.name];
  const ordered = toTfjsLayout(builder, input, layer.name);
  return [builder.node('Flatten', [ordered], layer.name, { axis: int(1) })];
}

export function emitReshape(emission: LayerEmission): string[] {
  const { builder, layer, config } = emission;
  const input = onlyInput(emission);
  const target = config.numbers('targetShape');
  const ordered = toTfjsLayout(builder, input, layer.name);
  // 0 keeps the batch size (Reshape's allowzero is 0).
  const shape = builder.int64Vector(`${layer.name}_shape`, [0, ...target]);
  if (target.length + 1 !== 4) return [builder.node('Reshape', [ordered, shape], layer.name)];
  const reshaped = builder.node('Reshape', [ordered, shape], `${layer.name}_nhwc`);
  return [builder.node('Transpose', [reshaped], layer.name, { perm: ints(NHWC_TO_NCHW) })];
}

export function emitRescaling(emission: LayerEmission): string[] {
  const { builder, layer, config } = emission;
  const input = onlyInput(emission);
  const scale = builder.floatScalar(`${layer.name}_scale`, config.number('scale'));
  const offset = builder.floatScalar(`${layer.name}_offset`, config.number('offset', 0));
  const scaled = builder.node('Mul', [input.name, scale], `${layer.name}_scaled`);
  return [builder.node('Add', [scaled, offset], layer.name)];
}

/** Dropout and noise layers: the identity at inference, so nothing is written. */
export function emitIdentity(emission: LayerEmission): string[] {
  return [onlyInput(emission).name];
}
