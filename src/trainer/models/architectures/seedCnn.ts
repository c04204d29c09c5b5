// The seed document's small CNN: the TensorFlow/Keras tutorial network (3 convolutions,
// 32-64-64 filters, two max-pools, a 64-unit dense layer), here without its classifier so that
// any head can sit on top. Blocks: block1, block2, block3, features.
import * as tf from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { LayerFactory } from '../layerFactory';
import { ExperimentError } from '../../experiment/experimentError';
import { ARCHITECTURE_MIN_SIZE } from '../../../shared/experiment/schema';

const MINIMUM = ARCHITECTURE_MIN_SIZE['seed-cnn'];

export function seedCnnFeatures(input: SymbolicTensor, factory: LayerFactory): SymbolicTensor {
  // The seed network is Keras's: keep Keras's default initialiser (Glorot uniform) too.
  const layers = factory.withReluInitializer('glorot');
  const [, height, width] = input.shape;
  // The schema refuses a smaller model.inputShape; a pretrained model's own size can still be one.
  if ((height ?? 0) < MINIMUM.size || (width ?? 0) < MINIMUM.size) {
    throw new ExperimentError(
      `seed-cnn needs images of at least ${MINIMUM.size}×${MINIMUM.size} (${MINIMUM.reason}); ` +
        `these are ${height}×${width}: use a larger inputShape or resnet-small / mobilenet-small`,
    );
  }
  let x = layers.convValid(input, 'block1_conv', 32, 3);
  x = layers.maxPool(x, 'block1_pool');
  x = layers.convValid(x, 'block2_conv', 64, 3);
  x = layers.maxPool(x, 'block2_pool');
  x = layers.convValid(x, 'block3_conv', 64, 3);
  x = tf.layers.flatten({ name: 'features_flatten' }).apply(x) as SymbolicTensor;
  return layers.dense(x, 'features', 64, 'relu');
}
