// The one mapping between torchvision's state-dict keys and our layers' weights, both ways.
// Our torchvision backbones name every layer with weights by its torchvision module path
// (architectures/torchLayers.ts), so a key is that path and a parameter name:
//
//   torchvision key            layer class          our weight               layout, torch → ours
//   <path>.weight              Conv2D               <path>/kernel            [out, in, h, w] → [h, w, in, out]
//   <path>.weight              DepthwiseConv2D      <path>/depthwise_kernel  [c, 1, h, w] → [h, w, c, 1]
//   <path>.weight              Dense                <path>/kernel            [out, in] → [in, out]
//   <path>.weight              BatchNormalization   <path>/gamma             as is
//   <path>.bias                BatchNormalization   <path>/beta              as is
//   <path>.bias                Conv2D, Dense, …     <path>/bias              as is
//   <path>.running_mean        BatchNormalization   <path>/moving_mean       as is
//   <path>.running_var         BatchNormalization   <path>/moving_variance   as is
//   <path>.num_batches_tracked (dropped: a counter, not a weight)
//
// Old torchvision DenseNet files name dense layers' modules `norm.1`, `conv.2`…; torchvision
// renames them to `norm1`, `conv2` when loading (densenet.py, _load_state_dict), and so do we.

const TORCH_PARAMETER: Record<string, string> = {
  kernel: 'weight',
  depthwise_kernel: 'weight',
  gamma: 'weight',
  beta: 'bias',
  bias: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};

const KERAS_WEIGHT: Record<string, Record<string, string>> = {
  weight: { Conv2D: 'kernel', DepthwiseConv2D: 'depthwise_kernel', Dense: 'kernel', BatchNormalization: 'gamma' },
  bias: { Conv2D: 'bias', DepthwiseConv2D: 'bias', Dense: 'bias', BatchNormalization: 'beta' },
  running_mean: { BatchNormalization: 'moving_mean' },
  running_var: { BatchNormalization: 'moving_variance' },
};

const OLD_DENSENET_KEY = /^(.*denselayer\d+\.(?:norm|relu|conv))\.([12]\.(?:weight|bias|running_mean|running_var))$/;

/** The torchvision key of our weight `weightName` ("kernel", "gamma"…) in the layer `layerName`. */
export function torchKeyOf(layerName: string, weightName: string): string {
  const parameter = TORCH_PARAMETER[weightName];
  if (parameter === undefined) throw new Error(`no torchvision parameter for the weight ${layerName}/${weightName}`);
  return `${layerName}.${parameter}`;
}

/** The layer and weight a torchvision key names, given the class of that layer; null when none. */
export function kerasWeightOf(torchKey: string, layerClass: string): { layer: string; weight: string } | null {
  const dot = torchKey.lastIndexOf('.');
  const weight = KERAS_WEIGHT[torchKey.slice(dot + 1)]?.[layerClass];
  return dot > 0 && weight !== undefined ? { layer: torchKey.slice(0, dot), weight } : null;
}

/** A key as torchvision loads it today (old DenseNet names renamed); null for what is no weight. */
export function normalizeTorchKey(key: string): string | null {
  if (key.endsWith('.num_batches_tracked')) return null;
  const old = OLD_DENSENET_KEY.exec(key);
  return old ? `${old[1]}${old[2]}` : key;
}

/** The torch shape of a weight whose Keras shape is `shape`. */
export function torchShapeOf(weightName: string, shape: readonly number[]): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = shape;
  if (shape.length === 4 && weightName === 'kernel') return [d, c, a, b];
  if (shape.length === 4 && weightName === 'depthwise_kernel') return [c * d, 1, a, b];
  if (shape.length === 2 && weightName === 'kernel') return [b, a];
  return [...shape];
}

/** Values in torch's layout (shape `torchShape`) rearranged into ours for the weight `weightName`. */
export function toKerasLayout(weightName: string, torchShape: readonly number[], values: Float32Array): Float32Array {
  if (torchShape.length === 2 && weightName === 'kernel') {
    const [outputs = 0, inputs = 0] = torchShape;
    const result = new Float32Array(values.length);
    for (let o = 0; o < outputs; o++)
      for (let i = 0; i < inputs; i++) result[i * outputs + o] = values[o * inputs + i] ?? 0;
    return result;
  }
  if (torchShape.length !== 4 || (weightName !== 'kernel' && weightName !== 'depthwise_kernel')) return values;
  // [out, in, h, w] → [h, w, in, out]; a depthwise [c, 1, h, w] is the same permutation → [h, w, 1, c],
  // which has the same element order as our [h, w, c, 1].
  const [outputs = 0, inputs = 0, height = 0, width = 0] = torchShape;
  const result = new Float32Array(values.length);
  let source = 0;
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < inputs; i++) {
      for (let h = 0; h < height; h++) {
        for (let w = 0; w < width; w++) result[((h * width + w) * inputs + i) * outputs + o] = values[source++] ?? 0;
      }
    }
  }
  return result;
}

/** A Keras kernel ([h, w, in, out] convolution, [in, out] dense) in torch's layout ([out, in, h, w], [out, in]). */
export function kernelToTorchLayout(shape: readonly number[], values: Float32Array): TensorShapeValues {
  if (shape.length === 2) {
    const [inputs = 0, outputs = 0] = shape;
    const result = new Float32Array(values.length);
    for (let i = 0; i < inputs; i++)
      for (let o = 0; o < outputs; o++) result[o * inputs + i] = values[i * outputs + o] ?? 0;
    return { shape: [outputs, inputs], values: result };
  }
  if (shape.length !== 4) return { shape: [...shape], values };
  const [height = 0, width = 0, inputs = 0, outputs = 0] = shape;
  const result = new Float32Array(values.length);
  let source = 0;
  for (let h = 0; h < height; h++)
    for (let w = 0; w < width; w++)
      for (let i = 0; i < inputs; i++)
        for (let o = 0; o < outputs; o++) result[((o * inputs + i) * height + h) * width + w] = values[source++] ?? 0;
  return { shape: [outputs, inputs, height, width], values: result };
}

export interface TensorShapeValues {
  shape: number[];
  values: Float32Array;
}
