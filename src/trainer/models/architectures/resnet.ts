// torchvision's ResNet (He et al. 2016) in its v1.5 form: a bottleneck block strides in its 3×3
// convolution, not in the first 1×1. A 7×7 stride-2 stem and a 3×3 stride-2 max pool, four
// stages (`layer1`–`layer4`) of basic or bottleneck blocks, global average pooling. Blocks for
// `trainableBlocks`: the stem (conv1, bn1), then layer1 … layer4. Keras' ResNet50 is v1 (the stride in
// the first 1×1): built as such, with the same names, for its weights (kerasResnet50.ts).
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { TorchLayers } from './torchLayers';

export type ResidualBlock = 'basic' | 'bottleneck';

/** Which convolution of a downsampling bottleneck strides: conv2 (the 3×3, v1.5) or conv1 (the 1×1, v1). */
export type BottleneckStride = 'conv1' | 'conv2';

const STAGE_PLANES = [64, 128, 256, 512] as const;
const EXPANSION = { basic: 1, bottleneck: 4 } as const;

function residual(
  layers: TorchLayers,
  input: SymbolicTensor,
  name: string,
  block: ResidualBlock,
  planes: number,
  stride: number,
  strideIn: BottleneckStride,
): SymbolicTensor {
  const outChannels = planes * EXPANSION[block];
  let x: SymbolicTensor;
  if (block === 'basic') {
    x = layers.conv(input, `${name}.conv1`, { filters: planes, kernel: 3, stride });
    x = layers.batchNorm(x, `${name}.bn1`);
    x = layers.activation(x, `${name}.relu`, 'relu');
    x = layers.conv(x, `${name}.conv2`, { filters: planes, kernel: 3 });
    x = layers.batchNorm(x, `${name}.bn2`);
  } else {
    const [first, second] = strideIn === 'conv1' ? [stride, 1] : [1, stride];
    x = layers.conv(input, `${name}.conv1`, { filters: planes, kernel: 1, stride: first });
    x = layers.batchNorm(x, `${name}.bn1`);
    x = layers.activation(x, `${name}.relu`, 'relu');
    x = layers.conv(x, `${name}.conv2`, { filters: planes, kernel: 3, stride: second });
    x = layers.batchNorm(x, `${name}.bn2`);
    x = layers.activation(x, `${name}.relu_2`, 'relu');
    x = layers.conv(x, `${name}.conv3`, { filters: outChannels, kernel: 1 });
    x = layers.batchNorm(x, `${name}.bn3`);
  }
  let identity = input;
  if (stride !== 1 || input.shape[3] !== outChannels) {
    identity = layers.conv(input, `${name}.downsample.0`, { filters: outChannels, kernel: 1, stride });
    identity = layers.batchNorm(identity, `${name}.downsample.1`);
  }
  return layers.activation(layers.add([x, identity], `${name}_add`), `${name}_out`, 'relu');
}

/** The ResNet with `depths[i]` blocks in stage i + 1 (resnet18: basic, [2, 2, 2, 2]; resnet50: bottleneck, [3, 4, 6, 3]). */
export function resnetFeatures(
  layers: TorchLayers,
  input: SymbolicTensor,
  block: ResidualBlock,
  depths: readonly number[],
  strideIn: BottleneckStride = 'conv2',
): SymbolicTensor {
  let x = layers.conv(input, 'conv1', { filters: 64, kernel: 7, stride: 2, padding: 3 });
  x = layers.batchNorm(x, 'bn1');
  x = layers.activation(x, 'relu', 'relu');
  x = layers.maxPool(x, 'maxpool', { pool: 3, stride: 2, padding: 1 });
  depths.forEach((depth, stage) => {
    for (let index = 0; index < depth; index++) {
      const stride = stage > 0 && index === 0 ? 2 : 1;
      x = residual(layers, x, `layer${stage + 1}.${index}`, block, STAGE_PLANES[stage] ?? 512, stride, strideIn);
    }
  });
  return layers.globalAveragePool(x, 'avgpool');
}

/** stem, layer1 … layer4. */
export function resnetBlockOf(layerName: string): string | undefined {
  if (layerName === 'conv1' || layerName === 'bn1') return 'stem';
  return /^(layer\d+)\.\d+\./.exec(layerName)?.[1];
}
