// The gradient behind SmoothGrad, checked against central finite differences of the class score
// on tiny models (smooth activations, so the differences are exact up to float error).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { classifierGraph } from '../../../../src/trainer/explain/classifierGraph';
import { inputGradients, smoothGrad } from '../../../../src/trainer/explain/inputGradients';
import { SeededRandom } from '../../../../src/trainer/random';
import { useWasm, values } from '../../../support/wasmTestSetup';

before(async () => {
  await useWasm();
  tf.env().set('IS_TEST', false);
});

const SHAPE: [number, number, number] = [5, 5, 2];

function denseModel(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE });
  const flat = tfl.layers.flatten().apply(input);
  const hidden = tfl.layers
    .dense({ units: 6, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })
    .apply(flat);
  const output = tfl.layers
    .dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) })
    .apply(hidden) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

function convModel(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE });
  const conv = tfl.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    })
    .apply(input);
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(conv);
  const output = tfl.layers
    .dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) })
    .apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

/** Central differences of the class score (the logit of `classIndex`), in float64 arithmetic on float32 scores. */
function finiteDifferences(
  model: tfl.LayersModel,
  image: Float32Array,
  classIndex: number,
  step: number,
): Float64Array {
  const graph = classifierGraph(model);
  const score = (pixels: Float32Array) =>
    tf.tidy(() => graph.scores(tf.tensor4d(pixels, [1, ...SHAPE])).dataSync()[classIndex] ?? 0);
  return Float64Array.from(image, (_, i) => {
    const plus = Float32Array.from(image);
    const minus = Float32Array.from(image);
    plus[i] = (plus[i] ?? 0) + step;
    minus[i] = (minus[i] ?? 0) - step;
    return (score(plus) - score(minus)) / (2 * step);
  });
}

describe('input gradients', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [name, build] of [
      ['dense', denseModel],
      ['conv', convModel],
    ] as const) {
      it(`${name} model on ${backend}: the gradient of the class score matches finite differences`, async () => {
        await tf.setBackend(backend);
        const model = build();
        const image = values(5 * 5 * 2, 7).map((v) => v + 0.5);
        const graph = classifierGraph(model);
        for (const classIndex of [0, 2]) {
          const analytic = tf.tidy(() => inputGradients(graph, tf.tensor4d(image, [1, ...SHAPE]), [classIndex]));
          const numeric = finiteDifferences(model, image, classIndex, 1e-2);
          let worst = 0;
          let scale = 0;
          numeric.forEach((value, i) => {
            worst = Math.max(worst, Math.abs(value - (analytic[i] ?? 0)));
            scale = Math.max(scale, Math.abs(value));
          });
          assert.ok(scale > 1e-3, 'the gradient is not trivially zero');
          assert.ok(worst / scale < 0.02, `class ${classIndex}: max |analytic − numeric| ${worst} of ${scale}`);
        }
        model.dispose();
        await tf.setBackend('wasm');
      });
    }
  }

  it('SmoothGrad without noise is |gradient|, largest over channels; with noise it is seeded', () => {
    const model = denseModel();
    const graph = classifierGraph(model);
    const image = values(5 * 5 * 2, 8).map((v) => v + 0.5);
    const gradient = tf.tidy(() => inputGradients(graph, tf.tensor4d(image, [1, ...SHAPE]), [1]));
    const images = tf.tensor4d(image, [1, ...SHAPE]);
    const plain = smoothGrad(graph, images, [1], { samples: 0, noise: 0, random: new SeededRandom(1) });
    plain.values.forEach((value, p) =>
      assert.ok(Math.abs(value - Math.max(Math.abs(gradient[2 * p] ?? 0), Math.abs(gradient[2 * p + 1] ?? 0))) < 1e-6),
    );
    const noisyA = smoothGrad(graph, images, [1], { samples: 4, noise: 0.2, random: new SeededRandom(9) });
    const noisyB = smoothGrad(graph, images, [1], { samples: 4, noise: 0.2, random: new SeededRandom(9) });
    assert.deepEqual(noisyA.values, noisyB.values);
    assert.notDeepEqual(noisyA.values, plain.values);
    images.dispose();
    model.dispose();
  });
});
