// Keeps BatchNormalization layers in inference mode (their moving mean and variance fixed)
// however the model is called. The Keras transfer-learning guide calls the base with
// `training=False` for this reason: when the base is unfrozen for fine-tuning, updating the
// statistics on a few target batches would wreck what the base learnt
// (https://keras.io/guides/transfer_learning/#fine-tuning). TF.js has no such argument for a
// nested model, so each BatchNormalization layer's call is wrapped.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

const frozen = new WeakSet<object>();

/** Whether freezeBatchNormStatistics made this layer run in inference mode whatever it is called with. */
export function hasFrozenStatistics(layer: object): boolean {
  return frozen.has(layer);
}

/** Returns how many BatchNormalization layers were frozen. */
export function freezeBatchNormStatistics(model: LayersModel): number {
  let count = 0;
  for (const layer of model.layers) {
    if ('layers' in layer) {
      count += freezeBatchNormStatistics(layer as LayersModel);
      continue;
    }
    if (layer.getClassName() !== 'BatchNormalization') continue;
    count++;
    if (frozen.has(layer)) continue;
    frozen.add(layer);
    const call = layer.call.bind(layer);
    layer.call = (inputs: Tensor | Tensor[], kwargs: Kwargs) => call(inputs, { ...kwargs, training: false });
  }
  return count;
}
