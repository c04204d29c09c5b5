// Batch norm folded into the convolution before it, for inference: with its moving statistics a
// batch norm is a per-channel x·scale + offset, so conv(x, W)·scale + offset = conv(x, W·scale) +
// offset, and a ReLU or ReLU6 after it is the convolution's fused activation. A conv → batch norm
// → ReLU chain then runs as one convolution kernel instead of three passes over the activations
// (the native path applies bias and activation inside oneDNN's convolution): what inference
// engines (TensorRT, ONNX Runtime, OpenVINO) do with these models. The folded weights are computed
// once per folding (an evaluation pass, a predict call) from the layers' current weights and
// disposed with it. Results differ from the unfolded layers by float rounding only (~1e-6).
import { add, fused, mul, reshape, rsqrt, scalar, sub, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerVariable } from '@tensorflow/tfjs-layers/dist/variables';
import type { LayerCall, LayerGraph } from './layerGraph';

type FusedActivation = 'linear' | 'relu' | 'relu6';

/** The fields of tfjs-layers' Conv2D and DepthwiseConv2D read here (protected there). */
interface ConvolutionFields {
  kernel?: LayerVariable;
  depthwiseKernel?: LayerVariable;
  depthMultiplier?: number;
  bias: LayerVariable | null;
  useBias: boolean;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  activation: { getClassName(): string };
}

/** The fields of tfjs-layers' BatchNormalization read here (private there). */
interface BatchNormFields {
  axis: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariable;
  beta: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

/** One convolution with the batch norm (and the activation) after it, as one fused kernel. */
export interface FoldedConvolution {
  /** Indices in the graph's calls: the convolution's first, then the batch norm's, then the activation's. */
  members: number[];
  /** What the last member outputs: the value the folded kernel gives. */
  output: SymbolicTensor;
  /** The tensors between the members, which a run must not be asked for. */
  inner: SymbolicTensor[];
  run(input: Tensor): Tensor;
}

export interface BatchNormFolding {
  /** Keyed by the convolution's call index. */
  folded: ReadonlyMap<number, FoldedConvolution>;
  dispose(): void;
}

function convolutionOf(layer: Layer): ConvolutionFields | null {
  const name = layer.getClassName();
  if (name !== 'Conv2D' && name !== 'DepthwiseConv2D') return null;
  const fields = layer as unknown as ConvolutionFields;
  const linear = fields.activation.getClassName() === 'linear';
  const kernel = name === 'Conv2D' ? fields.kernel : fields.depthwiseKernel;
  if (!linear || kernel === undefined || fields.dataFormat !== 'channelsLast') return null;
  if (fields.padding !== 'same' && fields.padding !== 'valid') return null;
  return fields;
}

function batchNormOf(layer: Layer): BatchNormFields | null {
  if (layer.getClassName() !== 'BatchNormalization') return null;
  const fields = layer as unknown as BatchNormFields;
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
  const readers = new Map<number, number[]>();
  graph.calls.forEach((call, index) => {
    for (const input of call.inputs) readers.set(input.id, [...(readers.get(input.id) ?? []), index]);
  });
  const onlyReader = (tensor: SymbolicTensor): number | null => {
    const found = readers.get(tensor.id);
    return found?.length === 1 && tensor.id !== graph.output.id ? (found[0] ?? null) : null;
  };
  const folded = new Map<number, FoldedConvolution>();
  const owned: Tensor[] = [];
  graph.calls.forEach((call, index) => {
    if (index < range.from || index >= range.to) return;
    const convolution = convolutionOf(call.layer);
    const normIndex = onlyReader(call.output);
    const normCall = normIndex === null ? undefined : graph.calls[normIndex];
    const norm = normCall ? batchNormOf(normCall.layer) : null;
    if (!convolution || !normCall || normIndex === null || !norm || call.inputs.length !== 1) return;
    const activationIndex = onlyReader(normCall.output);
    const activationCall = activationIndex === null ? undefined : graph.calls[activationIndex];
    const activation = activationCall ? fusedActivationOf(activationCall.layer) : null;
    const weights = foldedWeights(call, convolution, norm);
    owned.push(weights.filter, weights.bias);
    const last = activation && activationCall && activationIndex !== null ? activationCall : normCall;
    folded.set(index, {
      members: activation && activationIndex !== null ? [index, normIndex, activationIndex] : [index, normIndex],
      output: last.output,
      inner: last === normCall ? [call.output] : [call.output, normCall.output],
      run: (input) => runFolded(input, call.layer.getClassName(), convolution, weights, activation ?? 'linear'),
    });
  });
  return {
    folded,
    dispose: () => owned.forEach((tensor) => tensor.dispose()),
  };
}

function foldedWeights(
  call: LayerCall,
  convolution: ConvolutionFields,
  norm: BatchNormFields,
): { filter: Tensor4D; bias: Tensor1D } {
  return tidy(() => {
    // As FastBatchNormalization computes it outside training.
    const scale = mul(norm.gamma.read(), rsqrt(add(norm.movingVariance.read(), scalar(norm.epsilon))));
    const offset = sub(norm.beta.read(), mul(norm.movingMean.read(), scale));
    const depthwise = call.layer.getClassName() === 'DepthwiseConv2D';
    const kernel = (depthwise ? convolution.depthwiseKernel : convolution.kernel)?.read() as Tensor4D;
    // A depthwise kernel is [h, w, in, multiplier]; output channel c·multiplier + m is in's c.
    const perOutput = depthwise ? reshape(scale, [kernel.shape[2], kernel.shape[3]]) : scale;
    const filter = mul(kernel, perOutput) as Tensor4D;
    const bias = (
      convolution.useBias && convolution.bias ? add(mul(convolution.bias.read(), scale), offset) : offset
    ) as Tensor1D;
    return { filter, bias };
  });
}

function runFolded(
  input: Tensor,
  className: string,
  convolution: ConvolutionFields,
  weights: { filter: Tensor4D; bias: Tensor1D },
  activation: FusedActivation,
): Tensor {
  const common = {
    x: input as Tensor4D,
    filter: weights.filter,
    strides: convolution.strides as [number, number],
    pad: convolution.padding as 'same' | 'valid',
    dataFormat: 'NHWC' as const,
    dilations: convolution.dilationRate as [number, number],
    bias: weights.bias,
    activation,
  };
  return className === 'DepthwiseConv2D' ? fused.depthwiseConv2d(common) : fused.conv2d(common);
}
