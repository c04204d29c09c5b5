// Batch norms folded into the convolutions before them for inference: the folded graph gives the
// model's own inference output within float rounding, on cpu (the reference kernels), wasm and the
// native kernels, folds exactly the chains whose links nothing else reads (a padding before the
// convolution included, as its explicit padding), never hands back an inner tensor that was asked
// for, and frees its folded weights on dispose.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { FastActivation } from '../../../../src/trainer/models/activation';
import { FastBatchNormalization } from '../../../../src/trainer/models/batchNormalization';
import { foldBatchNorms } from '../../../../src/trainer/models/foldedBatchNorm';
import { inferenceRunner } from '../../../../src/trainer/models/inferenceModel';
import { flattenModel, runCalls } from '../../../../src/trainer/models/layerGraph';
import { KERNEL_BACKENDS, missingKernelBackend, useKernelBackend } from '../../../support/kernelBackends';
import { skipIfMissing } from '../../../support/prerequisites';
import { relativeDifference, values } from '../../../support/wasmTestSetup';

const SHAPE: [number, number, number, number] = [3, 9, 9, 4];

function norm(input: SymbolicTensor, name: string): SymbolicTensor {
  return new FastBatchNormalization({ name, epsilon: 1e-5 }).apply(input) as SymbolicTensor;
}

/**
 * conv → BN → ReLU6; depthwise → BN → ReLU; conv with bias → BN (the sum reads it); a conv read
 * twice (not folded); conv → BN → sigmoid (the BN folds, the sigmoid stays); a dense head.
 */
function model(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE.slice(1) });
  let x = tfl.layers
    .zeroPadding2d({
      name: 'a_pad',
      padding: [
        [1, 2],
        [0, 1],
      ],
    })
    .apply(input);
  x = tfl.layers.conv2d({ name: 'a', filters: 6, kernelSize: 3, padding: 'valid', useBias: false }).apply(x);
  x = new FastActivation({ name: 'a_act', activation: 'relu6' }).apply(norm(x as SymbolicTensor, 'a_bn'));
  x = tfl.layers.zeroPadding2d({ name: 'b_pad', padding: 1 }).apply(x);
  x = tfl.layers.depthwiseConv2d({ name: 'b', kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(x);
  x = new FastActivation({ name: 'b_act', activation: 'relu' }).apply(norm(x as SymbolicTensor, 'b_bn'));
  const c = tfl.layers.conv2d({ name: 'c', filters: 6, kernelSize: 1 }).apply(x) as SymbolicTensor;
  x = tfl.layers.add({ name: 'sum' }).apply([norm(c, 'c_bn'), x as SymbolicTensor]);
  const d = tfl.layers.conv2d({ name: 'd', filters: 6, kernelSize: 1, useBias: false }).apply(x) as SymbolicTensor;
  x = tfl.layers.add({ name: 'sum2' }).apply([norm(d, 'd_bn'), d]);
  const e = tfl.layers
    .conv2d({ name: 'e', filters: 5, kernelSize: 3, padding: 'same', useBias: false })
    .apply(x) as SymbolicTensor;
  x = new FastActivation({ name: 'e_act', activation: 'sigmoid' }).apply(norm(e, 'e_bn'));
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x);
  const output = tfl.layers.dense({ name: 'head', units: 3, activation: 'softmax' }).apply(x) as SymbolicTensor;
  const built = tfl.model({ inputs: input, outputs: output });
  // Every weight away from its initial value, the moving statistics too (variances positive).
  built.setWeights(
    built.getWeights().map((weight, index) => {
      const random = tf.tensor(values(weight.size, 11 + index), weight.shape);
      const isVariance = built.weights[index]?.name.includes('moving_variance') === true;
      return isVariance ? tf.add(tf.abs(random), 0.3) : random;
    }),
  );
  return built;
}

function images(): tf.Tensor4D {
  return tf.tensor4d(
    values(
      SHAPE.reduce((a, b) => a * b, 1),
      3,
    ),
    SHAPE,
  );
}

for (const backend of KERNEL_BACKENDS) {
  describe(`folded batch norms on ${backend}`, { skip: skipIfMissing(missingKernelBackend(backend)) }, () => {
    it('give the model’s inference output, folding only chains nothing else reads', async () => {
      await useKernelBackend(backend);
      const classifier = model();
      const graph = flattenModel(classifier);
      assert.ok(graph);
      const folding = foldBatchNorms(graph);
      const foldedNames = [...folding.folded.values()].map((folded) =>
        folded.members.map((member) => graph.calls[member]?.layer.name).join('+'),
      );
      assert.deepEqual(foldedNames, ['a_pad+a+a_bn+a_act', 'b_pad+b+b_bn+b_act', 'c+c_bn', 'e+e_bn']);
      const x = images();
      const expected = tf.tidy(
        () => (classifier.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array,
      );
      const actual = tf.tidy(
        () =>
          runCalls(
            graph,
            { from: 0, to: graph.calls.length },
            graph.input,
            x,
            graph.output,
            false,
            folding,
          ).dataSync() as Float32Array,
      );
      assert.ok(relativeDifference(actual, expected) < 1e-5, `difference ${relativeDifference(actual, expected)}`);
      // Asked for an inner tensor (the BN's output before its ReLU6), the chain is not folded.
      const inner = graph.calls.find((call) => call.layer.name === 'a_bn');
      assert.ok(inner);
      const upTo = graph.calls.indexOf(inner) + 1;
      const fetchedPlain = tf.tidy(
        () => runCalls(graph, { from: 0, to: upTo }, graph.input, x, inner.output, false).dataSync() as Float32Array,
      );
      const fetchedFolding = tf.tidy(
        () =>
          runCalls(
            graph,
            { from: 0, to: upTo },
            graph.input,
            x,
            inner.output,
            false,
            folding,
          ).dataSync() as Float32Array,
      );
      assert.deepEqual(Array.from(fetchedFolding), Array.from(fetchedPlain));
      x.dispose();
      const before = tf.memory().numTensors;
      folding.dispose();
      assert.equal(tf.memory().numTensors, before - 2 * foldedNames.length, 'the folded weights are freed');
      classifier.dispose();
    });

    it('run as a whole model, with nothing left behind', () => {
      const classifier = model();
      const x = images();
      const before = tf.memory().numTensors;
      const runner = inferenceRunner(classifier);
      const output = tf.tidy(() => runner.run(x).dataSync() as Float32Array);
      runner.dispose();
      assert.equal(tf.memory().numTensors, before);
      const expected = tf.tidy(
        () => (classifier.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array,
      );
      assert.ok(relativeDifference(output, expected) < 1e-5);
      x.dispose();
      classifier.dispose();
    });
  });
}
