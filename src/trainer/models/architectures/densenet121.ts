// torchvision.models.densenet121 (Huang et al. 2017, DenseNet-BC): a 7×7 stride-2 stem and max
// pool, four dense blocks of [6, 12, 24, 16] layers (each: BN, ReLU, 1×1 convolution to 128
// channels, BN, ReLU, 3×3 convolution to 32, concatenated onto its input), a transition between
// blocks (BN, ReLU, 1×1 convolution halving the channels, 2×2 average pool), a final BN and
// ReLU, global average pooling: 1,024 features, 7.0 million weights without the head.
// torchvision concatenates all earlier outputs in every layer; concatenating each new output
// onto the running block output gives the same tensor in the same channel order.
// Blocks for `trainableBlocks`: the stem, then denseblock1, transition1, …, denseblock4 (with
// the final norm5): 8 blocks.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { TorchvisionArchitecture } from './architecture';
import { requireMinimumSize } from './minimumSize';
import { TorchLayers } from './torchLayers';

const GROWTH = 32;
const BOTTLENECK = 4;
const BLOCK_LAYERS = [6, 12, 24, 16] as const;

function denseLayer(layers: TorchLayers, input: SymbolicTensor, name: string): SymbolicTensor {
  let x = layers.batchNorm(input, `${name}.norm1`);
  x = layers.activation(x, `${name}.relu1`, 'relu');
  x = layers.conv(x, `${name}.conv1`, { filters: BOTTLENECK * GROWTH, kernel: 1 });
  x = layers.batchNorm(x, `${name}.norm2`);
  x = layers.activation(x, `${name}.relu2`, 'relu');
  x = layers.conv(x, `${name}.conv2`, { filters: GROWTH, kernel: 3 });
  return layers.concat([input, x], `${name}_concat`);
}

function transition(layers: TorchLayers, input: SymbolicTensor, name: string): SymbolicTensor {
  let x = layers.batchNorm(input, `${name}.norm`);
  x = layers.activation(x, `${name}.relu`, 'relu');
  x = layers.conv(x, `${name}.conv`, { filters: Math.floor((input.shape[3] ?? 0) / 2), kernel: 1 });
  return layers.avgPool(x, `${name}.pool`, { pool: 2, stride: 2 });
}

export const densenet121: TorchvisionArchitecture = {
  torchvisionName: 'densenet121',
  head: 'classifier',
  features(input, random) {
    requireMinimumSize(input, 'densenet121');
    const layers = new TorchLayers(random);
    let x = layers.conv(input, 'features.conv0', { filters: 64, kernel: 7, stride: 2, padding: 3 });
    x = layers.batchNorm(x, 'features.norm0');
    x = layers.activation(x, 'features.relu0', 'relu');
    x = layers.maxPool(x, 'features.pool0', { pool: 3, stride: 2, padding: 1 });
    BLOCK_LAYERS.forEach((count, index) => {
      for (let layer = 1; layer <= count; layer++) {
        x = denseLayer(layers, x, `features.denseblock${index + 1}.denselayer${layer}`);
      }
      if (index < BLOCK_LAYERS.length - 1) x = transition(layers, x, `features.transition${index + 1}`);
    });
    x = layers.batchNorm(x, 'features.norm5');
    x = layers.activation(x, 'features.norm5_relu', 'relu');
    return layers.globalAveragePool(x, 'avgpool');
  },
  blockOf(layerName) {
    if (layerName === 'features.conv0' || layerName === 'features.norm0') return 'stem';
    if (layerName === 'features.norm5') return `denseblock${BLOCK_LAYERS.length}`;
    return /^features\.((?:denseblock|transition)\d+)\./.exec(layerName)?.[1];
  },
};
