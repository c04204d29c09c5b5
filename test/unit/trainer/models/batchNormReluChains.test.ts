// Batch norm → ReLU pairs run as one call in training (batchNormReluChains.ts): the loss, every
// weight's gradient and the moving statistics as tfjs-layers' own executor gives them (the two
// layers apart), on cpu, wasm and the native kernels, where the fused kernel runs once a pair and
// no tensor leaks; a batch norm that two layers read, that a ReLU6 follows, or that the caller
// fetches stays apart, as does one whose statistics are frozen; inference runs no fused kernel.
// Then the native kernels alone against the batch norm and ReLU kernels apart (one shape large
// enough for the threaded pass), resnet18's nine pairs against its layers apart, four trainer steps
// of resnet-small with the fused kernels and without, and the addon refusing a short workspace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { FastActivation } from '../../../../src/trainer/models/activation';
import { FastBatchNormalization } from '../../../../src/trainer/models/batchNormalization';
import { BATCH_NORM_RELU_TRAINING, hasBatchNormReluKernels } from '../../../../src/trainer/models/batchNormReluKernels';
import { runBatchNormReluTraining } from '../../../../src/trainer/models/batchNormReluKernels';
import { batchNormRelus } from '../../../../src/trainer/models/batchNormReluChains';
import { runBatchNormTraining } from '../../../../src/trainer/models/batchNormKernels';
import { freezeBatchNormStatistics } from '../../../../src/trainer/models/batchNormStatistics';
import { runClippedRelu } from '../../../../src/trainer/models/clippedReluKernels';
import { FastConv2D } from '../../../../src/trainer/models/convolution';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { createOptimizer } from '../../../../src/trainer/training/optimizers';
import { trainStep } from '../../../../src/trainer/training/trainStep';
import type { StepContext } from '../../../../src/trainer/training/trainStep';
import { flattenModel, runCalls } from '../../../../src/trainer/models/layerGraph';
import type { LayerGraph } from '../../../../src/trainer/models/layerGraph';
import { KERNEL_BACKENDS, missingKernelBackend, useKernelBackend } from '../../../support/kernelBackends';
import { nativeAddonOrReason } from '../../../support/nativeTestSetup';
import { skipIfMissing } from '../../../support/prerequisites';
import { relativeDifference, values, worstDifference } from '../../../support/wasmTestSetup';

const SHAPE: [number, number, number, number] = [4, 6, 6, 3];
const TOLERANCE = 1e-4;

function apply(layer: tfl.layers.Layer, input: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(input) as SymbolicTensor;
}

/**
 * conv → a_bn → ReLU (fused); conv → b_bn read by a ReLU and the residual add (apart); c_bn →
 * ReLU (fused); d_bn → ReLU6 (apart); a dense head.
 */
function model(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE.slice(1) });
  const norm = (name: string, x: SymbolicTensor) => apply(new FastBatchNormalization({ name, momentum: 0.9 }), x);
  const activation = (name: string, kind: 'relu' | 'relu6', x: SymbolicTensor) =>
    apply(new FastActivation({ name, activation: kind }), x);
  let x = apply(new FastConv2D({ name: 'a', filters: 5, kernelSize: 3, padding: 'same', useBias: false }), input);
  x = activation('a_relu', 'relu', norm('a_bn', x));
  x = apply(new FastConv2D({ name: 'b', filters: 5, kernelSize: 3, padding: 'same', useBias: false }), x);
  const shared = norm('b_bn', x);
  x = apply(tfl.layers.add({ name: 'sum' }), [activation('b_relu', 'relu', shared), shared]);
  x = activation('c_relu', 'relu', norm('c_bn', x));
  x = activation('d_relu6', 'relu6', norm('d_bn', x));
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  const output = apply(tfl.layers.dense({ name: 'head', units: 3 }), x);
  const built = tfl.model({ inputs: input, outputs: output });
  // Moving statistics away from 0 and 1, so that the update is seen; variances positive.
  built.setWeights(
    built
      .getWeights()
      .map((weight, index) => tf.tidy(() => tf.abs(tf.tensor(values(weight.size, 31 + index), weight.shape)))),
  );
  return built;
}

/** The loss Σ output·w, its gradients for every trainable weight, then every weight after the step, by `run`. */
function trainOnce(classifier: tfl.LayersModel, run: (x: tf.Tensor) => tf.Tensor): Float32Array[] {
  const tensors = tf.tidy(() => {
    const x = tf.tensor4d(
      values(
        SHAPE.reduce((a, b) => a * b, 1),
        7,
      ),
      SHAPE,
    );
    const w = tf.tensor2d(values(SHAPE[0] * 3, 8), [SHAPE[0], 3]);
    const variables = classifier.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(run(x), w)), variables);
    return [value, ...variables.map((variable) => grads[variable.name] as tf.Tensor)];
  });
  const arrays = tensors.map((tensor) => tensor.dataSync() as Float32Array);
  tf.dispose(tensors);
  const weights = classifier.getWeights().map((weight) => weight.dataSync() as Float32Array);
  return [...arrays, ...weights];
}

function chained(graph: LayerGraph): (x: tf.Tensor) => tf.Tensor {
  return (x) => runCalls(graph, { from: 0, to: graph.calls.length }, graph.input, x, graph.output, true);
}

function assertClose(actual: Float32Array[], expected: Float32Array[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((array, index) => {
    const difference = relativeDifference(array, expected[index] ?? new Float32Array());
    assert.ok(difference < TOLERANCE, `value ${index}: relative difference ${difference}`);
  });
}

async function fusedKernelRuns(run: () => tf.TensorContainer): Promise<number> {
  const profile = await tf.profile(run);
  return profile.kernels.filter((kernel) => kernel.name === BATCH_NORM_RELU_TRAINING).length;
}

for (const backend of KERNEL_BACKENDS) {
  describe(`batch norm → ReLU pairs on ${backend}`, { skip: skipIfMissing(missingKernelBackend(backend)) }, () => {
    it('train as the two layers do, one fused kernel a pair where the backend has it', async () => {
      await useKernelBackend(backend);
      assert.equal(hasBatchNormReluKernels(), backend === 'native');
      const reference = model();
      const classifier = model();
      const graph = flattenModel(classifier);
      assert.ok(graph);
      const names = [...batchNormRelus(graph).values()].map((chain) =>
        chain.members.map((member) => graph.calls[member]?.layer.name).join('+'),
      );
      assert.deepEqual(names, ['a_bn+a_relu', 'c_bn+c_relu']);
      const expected = trainOnce(reference, (x) => reference.apply(x, { training: true }) as tf.Tensor);
      const tensorsBefore = tf.memory().numTensors;
      const actual = trainOnce(classifier, chained(graph));
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
      assertClose(actual, expected);
      const runs = await fusedKernelRuns(() => trainOnce(classifier, chained(graph)));
      assert.equal(runs, backend === 'native' ? 2 : 0);
      reference.dispose();
      classifier.dispose();
    });

    it('leave a batch norm apart when the caller fetches it, its statistics are frozen, or outside training', async () => {
      await useKernelBackend(backend);
      const classifier = model();
      const graph = flattenModel(classifier);
      assert.ok(graph);
      const norm = graph.calls.findIndex((call) => call.layer.name === 'a_bn');
      const fetched = graph.calls[norm]?.output;
      assert.ok(fetched);
      const x = tf.tensor4d(
        values(
          SHAPE.reduce((a, b) => a * b, 1),
          7,
        ),
        SHAPE,
      );
      const fetchedRuns = await fusedKernelRuns(() =>
        tf.tidy(() => {
          const normed = runCalls(graph, { from: 0, to: norm + 2 }, graph.input, x, fetched, true);
          // The batch norm's own output, negative values included: not the ReLU's.
          assert.ok((tf.min(normed).dataSync()[0] ?? 0) < 0);
        }),
      );
      assert.equal(fetchedRuns, 0);
      const inferenceRuns = await fusedKernelRuns(() =>
        tf.tidy(() => runCalls(graph, { from: 0, to: graph.calls.length }, graph.input, x, graph.output, false)),
      );
      assert.equal(inferenceRuns, 0);
      // Fresh models: the fetched run above moved a_bn's statistics.
      const reference = model();
      const frozen = model();
      const frozenGraph = flattenModel(frozen);
      assert.ok(frozenGraph);
      freezeBatchNormStatistics(reference);
      freezeBatchNormStatistics(frozen);
      const expected = trainOnce(reference, (input) => reference.apply(input, { training: true }) as tf.Tensor);
      let actual: Float32Array[] = [];
      const frozenRuns = await fusedKernelRuns(() => {
        actual = trainOnce(frozen, chained(frozenGraph));
      });
      assert.equal(frozenRuns, 0);
      assertClose(actual, expected);
      x.dispose();
      reference.dispose();
      frozen.dispose();
      classifier.dispose();
    });
  });
}

describe('native batch norm → ReLU kernels', { skip: skipIfMissing(missingKernelBackend('native')) }, () => {
  // 4 Mi values: the threaded pass (native/src/batchNorm.cc).
  for (const shape of [
    [3, 5, 7],
    [16, 32, 32, 128],
  ]) {
    it(`give what the batch norm and ReLU kernels give apart, shape [${shape.join(',')}]`, async () => {
      await useKernelBackend('native');
      const channels = shape[shape.length - 1] ?? 1;
      const size = shape.reduce((a, b) => a * b, 1);
      const [x, scale, offset, w] = [
        tf.tensor(values(size, 3), shape),
        tf.tensor1d(values(channels, 5)),
        tf.tensor1d(values(channels, 6)),
        tf.tensor(values(size, 9), shape),
      ];
      const run = (fused: boolean): Float32Array[] => {
        const tensors = tf.tidy(() => {
          const f = (input: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor => {
            if (fused) return runBatchNormReluTraining(input, gamma, beta, 1e-3)[0] as tf.Tensor;
            return runClippedRelu(runBatchNormTraining(input, gamma, beta, 1e-3)[0] as tf.Tensor, Infinity);
          };
          const [y] = [f(x, scale, offset)];
          const grads = tf.grads((input: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
            tf.sum(tf.mul(f(input, gamma, beta), w)),
          )([x, scale, offset]);
          return [y as tf.Tensor, ...grads];
        });
        const arrays = tensors.map((tensor) => tensor.dataSync() as Float32Array);
        tf.dispose(tensors);
        return arrays;
      };
      const expected = run(false);
      const tensorsBefore = tf.memory().numTensors;
      const actual = run(true);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
      assertClose(actual, expected);
      tf.dispose([x, scale, offset, w]);
    });
  }

  it("give resnet18's gradients and moving statistics at 32×32×3, batch 4, as the layers apart do", async () => {
    await useKernelBackend('native');
    const build = () => buildClassifier('resnet18', [32, 32, 3], 3, 0, new SeededRandom(4)).model;
    const [reference, classifier] = [build(), build()];
    const graph = flattenModel(classifier);
    assert.ok(graph);
    // The stem's and each of the eight blocks' first batch norm; the second meets the shortcut first.
    assert.equal(batchNormRelus(graph).size, 9);
    const x = tf.tensor4d(values(4 * 32 * 32 * 3, 5), [4, 32, 32, 3]);
    const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 0], 'int32'), 3);
    const step = (model: tfl.LayersModel, run: (input: tf.Tensor) => tf.Tensor): Float32Array[] => {
      const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const grads = tf.tidy(() => {
        const { grads: byName } = tf.variableGrads(
          () => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(run(x))), -1))) as tf.Scalar,
          variables,
        );
        return variables.map((variable) => byName[variable.name] ?? tf.zeros([0]));
      });
      const arrays = grads.map((grad) => grad.dataSync() as Float32Array);
      tf.dispose(grads);
      return arrays;
    };
    const apart = step(reference, (input) => reference.apply(input, { training: true }) as tf.Tensor);
    let fused: Float32Array[] = [];
    const runs = await fusedKernelRuns(() => {
      fused = step(classifier, chained(graph));
    });
    assert.equal(runs, 9);
    const gradients = worstDifference(fused, apart);
    assert.ok(gradients < TOLERANCE, `gradients: worst difference ${gradients} of the largest`);
    const weights = (model: tfl.LayersModel) => model.getWeights().map((weight) => weight.dataSync() as Float32Array);
    // Every weight after the step's statistics update (the moving means and variances among them).
    assertClose(weights(classifier), weights(reference));
    tf.dispose([x, labels]);
    reference.dispose();
    classifier.dispose();
  });

  it("train resnet-small through the trainer's own step as with the layers apart", async () => {
    await useKernelBackend('native');
    const shape = [12, 12, 3] as const;
    const batch = {
      images: values(8 * 12 * 12 * 3, 7),
      labels: Int32Array.from({ length: 8 }, (_, i) => i % 2),
      count: 8,
    };
    const train = (): { losses: number[]; weights: Float32Array[] } => {
      const { model } = buildClassifier('resnet-small', [...shape], 2, 0, new SeededRandom(3));
      const context: StepContext = {
        model,
        shape,
        variables: model.trainableWeights.map((weight) => weight.read() as tf.Variable),
        classCount: 2,
        classWeights: null,
        // Not Adam, which scales rounding in a gradient near zero up to a full step.
        optimizer: createOptimizer('sgd', 0.05),
      };
      const losses = Array.from({ length: 4 }, () => trainStep(context, batch).loss);
      const weights = model.getWeights().map((weight) => weight.dataSync() as Float32Array);
      model.dispose();
      context.optimizer.dispose();
      return { losses, weights };
    };
    let fused: { losses: number[]; weights: Float32Array[] } = { losses: [], weights: [] };
    const runs = await fusedKernelRuns(() => {
      fused = train();
    });
    assert.ok(runs >= 4, `${runs} fused kernel runs`);
    const kernel = tf.getKernel(BATCH_NORM_RELU_TRAINING, 'wasm');
    assert.ok(kernel !== undefined);
    tf.unregisterKernel(BATCH_NORM_RELU_TRAINING, 'wasm');
    const apart = (() => {
      try {
        return train();
      } finally {
        tf.registerKernel(kernel);
      }
    })();
    assertClose(
      [Float32Array.from(fused.losses), ...fused.weights],
      [Float32Array.from(apart.losses), ...apart.weights],
    );
  });

  it('refuse a workspace shorter than the plan', () => {
    const found = nativeAddonOrReason();
    if (!('addon' in found)) return;
    const plan = found.addon.batchNormReluPlan(4, 3, 1e-3);
    assert.match(plan.forward, /\S/);
    const ok = (length: number) => new Float32Array(length);
    const workspace = new Uint8Array(plan.workspaceBytes - 1);
    assert.throws(
      () => found.addon.batchNormReluForward(4, 3, 1e-3, ok(12), ok(3), ok(3), ok(12), ok(3), ok(3), workspace),
      /workspace holds/,
    );
  });
});
