// Batch norm folded into the convolution before it, for inference: with its moving statistics a
// batch norm is a per-channel x·scale + offset, so conv(x, W)·scale + offset = conv(x, W·scale) +
// offset, and a ReLU or ReLU6 after it is the convolution's fused activation. A conv → batch norm
// → ReLU chain then runs as one convolution kernel instead of three passes over the activations
// (the native path applies bias and activation inside oneDNN's convolution): what inference
// engines (TensorRT, ONNX Runtime, OpenVINO) do with these models. The folded weights are computed
// once per folding (an evaluation pass, a predict call) from the layers' current weights and
// disposed with it. Results differ from the unfolded layers by float rounding only (~1e-6). A
// ZeroPadding2D before the convolution joins the chain as its explicit padding (convolutionChains.ts).
import { add, fused, mul, reshape, rsqrt, scalar, sub, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { BatchNormalizationFields } from './batchNormalization';
import { convolutionOf, filterOf, isDepthwise, onlyReaderIn, paddingBefore } from './convolutionChains';
import type { CallChain, ConvolutionFields, ExplicitPadding } from './convolutionChains';
import type { LayerGraph } from './layerGraph';

type FusedActivation = 'linear' | 'relu' | 'relu6';

export interface BatchNormFolding {
  /** Keyed by the chain's first call: the padding's where there is one, else the convolution's. */
  folded: ReadonlyMap<number, CallChain>;
  dispose(): void;
}

function batchNormOf(layer: Layer): BatchNormalizationFields | null {
  if (layer.getClassName() !== 'BatchNormalization') return null;
  const fields = layer as unknown as BatchNormalizationFields;
  const lastAxis = fields.axis === -1 || fields.axis === 3;
  return lastAxis && fields.center && fields.scale ? fields : null;
}

function fusedActivationOf(layer: Layer): FusedActivation | null {
  if (layer.getClassName() !== 'Activation') return null;
  const name = (layer as unknown as ConvolutionFields).activation.getClassName();
  return name === 'relu' || name === 'relu6' ? name : null;
}

/**
 * Folds every convolution → batch norm (→ ReLU/ReLU6) chain whose links have no other reader, of
 * the convolutions in `range` (by default the whole graph).
 */
export function foldBatchNorms(
  graph: LayerGraph,
  range: { from: number; to: number } = { from: 0, to: graph.calls.length },
): BatchNormFolding {
  const onlyReader = onlyReaderIn(graph);
  const folded = new Map<number, CallChain>();
  const owned: Tensor[] = [];
  graph.calls.forEach((call, index) => {
    if (index < range.from || index >= range.to) return;
    const convolution = convolutionOf(call.layer);
    const normIndex = onlyReader(call.output);
    const normCall = normIndex === null ? undefined : graph.calls[normIndex];
    const norm = normCall ? batchNormOf(normCall.layer) : null;
    const linear = convolution?.activation.getClassName() === 'linear';
    if (!convolution || !linear || !normCall || normIndex === null || !norm || call.inputs.length !== 1) return;
    const activationIndex = onlyReader(normCall.output);
    const activationCall = activationIndex === null ? undefined : graph.calls[activationIndex];
    const activation = activationCall ? fusedActivationOf(activationCall.layer) : null;
    // The padding before the convolution joins the chain where it lies in the range.
    const found = paddingBefore(graph, index, onlyReader);
    const padding = found && found.index >= range.from ? found : null;
    const padCall = padding ? graph.calls[padding.index] : undefined;
    const weights = foldedWeights(call.layer, convolution, norm);
    owned.push(weights.filter, weights.bias);
    const withActivation = activation !== null && activationCall !== undefined && activationIndex !== null;
    const members = withActivation ? [index, normIndex, activationIndex] : [index, normIndex];
    const inner = withActivation ? [call.output, normCall.output] : [call.output];
    const pad = padding ? padding.padding : convolution.padding === 'same' ? 'same' : 'valid';
    folded.set(padding ? padding.index : index, {
      members: padding ? [padding.index, ...members] : members,
      output: withActivation ? activationCall.output : normCall.output,
      inner: padCall ? [padCall.output, ...inner] : inner,
      run: (input) => runFolded(input, call.layer, convolution, weights, pad, activation ?? 'linear'),
    });
  });
  return {
    folded,
    dispose: () => owned.forEach((tensor) => tensor.dispose()),
  };
}

function foldedWeights(
  layer: Layer,
  convolution: ConvolutionFields,
  norm: BatchNormalizationFields,
): { filter: Tensor4D; bias: Tensor1D } {
  return tidy(() => {
    // As FastBatchNormalization computes it outside training.
    const scale = mul(norm.gamma.read(), rsqrt(add(norm.movingVariance.read(), scalar(norm.epsilon))));
    const offset = sub(norm.beta.read(), mul(norm.movingMean.read(), scale));
    const kernel = filterOf(layer, convolution);
    // A depthwise kernel is [h, w, in, multiplier]; output channel c·multiplier + m is in's c.
    const perOutput = isDepthwise(layer) ? reshape(scale, [kernel.shape[2], kernel.shape[3]]) : scale;
    const filter = mul(kernel, perOutput) as Tensor4D;
    const bias = (
      convolution.useBias && convolution.bias ? add(mul(convolution.bias.read(), scale), offset) : offset
    ) as Tensor1D;
    return { filter, bias };
  });
}

function runFolded(
  input: Tensor,
  layer: Layer,
  convolution: ConvolutionFields,
  weights: { filter: Tensor4D; bias: Tensor1D },
  pad: 'same' | 'valid' | ExplicitPadding,
  activation: FusedActivation,
): Tensor {
  const common = {
    x: input as Tensor4D,
    filter: weights.filter,
    strides: convolution.strides as [number, number],
    dataFormat: 'NHWC' as const,
    dilations: convolution.dilationRate as [number, number],
    bias: weights.bias,
    activation,
  };
  if (!isDepthwise(layer)) return fused.conv2d({ ...common, pad });
  // fused.depthwiseConv2d's type leaves explicit padding out, but the op hands `pad` to the kernel
  // unchanged, and every backend's kernel computes its geometry with computeConv2DInfo, which takes
  // it (checked on cpu, wasm and native in foldedBatchNorm.test.ts).
  return fused.depthwiseConv2d({ ...common, pad: pad as 'valid' });
}
