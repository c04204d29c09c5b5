// The native optimizer updates (MedTransferAdamUpdate, MedTransferMomentumUpdate,
// MedTransferRMSPropUpdate) through FusedAdamOptimizer, FusedMomentumOptimizer and
// FusedRmsPropOptimizer: weights and slots bit for bit tfjs's Adam, momentum SGD (plain and
// Nesterov's) and RMSProp (with and without momentum; centered stays tfjs's) on plain wasm over several steps, on odd shapes and on sizes
// that take both threads; the kernels must have run and leaked nothing; a checkpoint (the trainer's
// captureOptimizer/restoreOptimizer) written by either optimizer and loaded into the other goes on
// exactly as the uninterrupted run; where the kernels are absent (plain wasm, cpu) they are tfjs's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { captureOptimizer, restoreOptimizer } from '../../../../../src/trainer/checkpoint/optimizerState';
import { ADAM_UPDATE, fusedAdam, hasAdamUpdateKernel } from '../../../../../src/trainer/training/fusedAdam';
import {
  MOMENTUM_UPDATE,
  fusedMomentum,
  hasMomentumUpdateKernel,
} from '../../../../../src/trainer/training/fusedMomentum';
import { fusedRmsProp, hasRmsPropUpdateKernel } from '../../../../../src/trainer/training/fusedRmsProp';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { values } from '../../../../support/wasmTestSetup';

const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

let calls = 0;
function counting(addon: NativeAddon): NativeAddon {
  return {
    ...addon,
    adamUpdate: (...args: Parameters<NativeAddon['adamUpdate']>) => {
      calls++;
      addon.adamUpdate(...args);
    },
    momentumUpdate: (...args: Parameters<NativeAddon['momentumUpdate']>) => {
      calls++;
      addon.momentumUpdate(...args);
    },
    rmsPropUpdate: (...args: Parameters<NativeAddon['rmsPropUpdate']>) => {
      calls++;
      addon.rmsPropUpdate(...args);
    },
  };
}

/** Fused (native kernels in place) or tfjs's optimizer on plain wasm, or either on cpu. */
type Setting = 'native' | 'wasm' | 'cpu';

type Kind = 'adam' | 'momentum' | 'nesterov' | 'rmsprop' | 'rmsprop with momentum' | 'centered rmsprop';

/** The fused optimizer, or tfjs's own. */
function optimizer(kind: Kind, fused: boolean, rate = 0.01): tf.Optimizer {
  if (kind === 'adam') return fused ? fusedAdam(rate) : tf.train.adam(rate);
  if (kind === 'rmsprop') return fused ? fusedRmsProp(rate) : tf.train.rmsprop(rate);
  if (kind !== 'momentum' && kind !== 'nesterov') {
    const [momentum, centered] = kind === 'centered rmsprop' ? [0.5, true] : [0.5, false];
    return fused
      ? fusedRmsProp(rate, 0.9, momentum, undefined, centered)
      : tf.train.rmsprop(rate, 0.9, momentum, undefined, centered);
  }
  const nesterov = kind === 'nesterov';
  return fused ? fusedMomentum(rate, 0.9, nesterov) : tf.train.momentum(rate, 0.9, nesterov);
}

async function use(setting: Setting): Promise<void> {
  if (!('addon' in found)) throw new Error('no addon');
  if (setting === 'cpu') {
    await tf.setBackend('cpu');
    return;
  }
  unregisterNativeKernels();
  await useNativeKernels(counting(found.addon), setting === 'native');
}

/** A variable's gradient at one step: magnitudes from 1e-4 to 1e2, exact zeros among them. */
function gradient(size: number, seed: number): Float32Array {
  const data = values(size, seed);
  for (let i = 0; i < size; i++) data[i] = i % 11 === 0 ? 0 : (data[i] ?? 0) * 10 ** ((i % 7) - 4);
  return data;
}

/** Variables, optimizer state and steps run, in plain arrays (comparable across backends). */
interface Snapshot {
  weights: Float32Array[];
  slots: Float32Array[];
  slotNames: string[];
  betaPowers: [number, number] | null;
}

class Training {
  readonly variables: tf.Variable[];
  steps = 0;

  constructor(
    readonly shapes: number[][],
    readonly optimizer: tf.Optimizer,
    start?: Float32Array[],
  ) {
    this.variables = shapes.map((shape, i) =>
      tf.variable(tf.tensor(start?.[i] ?? values(sizeOf(shape), 100 + i), shape)),
    );
  }

  step(): void {
    const grads: tf.NamedTensorMap = {};
    this.variables.forEach((variable, i) => {
      grads[variable.name] = tf.tensor(gradient(variable.size, 1000 * this.steps + i), variable.shape);
    });
    this.optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    this.steps++;
  }

  async snapshot(): Promise<Snapshot> {
    const { state, release } = await captureOptimizer(this.optimizer);
    const slots = state.weights.filter((weight) => weight.name !== 'iter');
    const snapshot = {
      weights: this.variables.map((variable) => variable.dataSync() as Float32Array),
      slots: slots.map((weight) => weight.tensor.dataSync() as Float32Array),
      slotNames: slots.map((weight) => weight.name.replace(/^.*\/(?=(m|v|momentum|rms|mg)$)/, '')),
      betaPowers: state.betaPowers,
    };
    release();
    return snapshot;
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose(this.variables);
  }
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function bits(array: Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function assertSameBits(actual: Snapshot, expected: Snapshot): void {
  assert.deepEqual(actual.slotNames, expected.slotNames);
  assert.deepEqual(actual.betaPowers, expected.betaPowers);
  const pairs: Array<[string, Float32Array[], Float32Array[]]> = [
    ['weights', actual.weights, expected.weights],
    ['slots', actual.slots, expected.slots],
  ];
  for (const [what, got, want] of pairs) {
    assert.equal(got.length, want.length, what);
    got.forEach((array, i) => {
      assert.ok(bits(array).equals(bits(want[i] ?? new Float32Array())), `${what} ${i} differ in bits`);
    });
  }
}

async function train(kind: Kind, setting: Setting, shapes: number[][], steps: number): Promise<Snapshot> {
  await use(setting);
  const training = new Training(shapes, optimizer(kind, setting === 'native'));
  for (let i = 0; i < steps; i++) training.step();
  const snapshot = await training.snapshot();
  training.dispose();
  return snapshot;
}

// 1 << 22 values and more take both threads (native/src/optimizer.cc).
const SHAPES = [[1], [7], [1000], [3, 3, 64, 64], [4_194_311]];

describe('native optimizer updates', { skip }, () => {
  for (const kind of ['adam', 'momentum', 'nesterov', 'rmsprop', 'rmsprop with momentum'] as const) {
    it(`step bit for bit as tfjs's ${kind} on plain wasm, on odd shapes and both threads`, async () => {
      const expected = await train(kind, 'wasm', SHAPES, 3);
      const before = calls;
      const actual = await train(kind, 'native', SHAPES, 3);
      assert.equal(calls - before, 3 * SHAPES.length, 'the native kernel ran once a variable a step');
      assertSameBits(actual, expected);
    });
  }

  it('leak no tensor', async () => {
    const expected = await train('adam', 'wasm', [[5, 3]], 3);
    await use('native');
    const training = new Training([[5, 3]], fusedAdam(0.01));
    assert.ok(hasAdamUpdateKernel() && hasMomentumUpdateKernel());
    training.step();
    const tensors = tf.memory().numTensors;
    training.step();
    training.step();
    assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
    assertSameBits(await training.snapshot(), expected);
    training.dispose();
    const momentum = new Training([[5, 3]], fusedMomentum(0.01, 0.9));
    momentum.step();
    const momentumTensors = tf.memory().numTensors;
    momentum.step();
    assert.equal(tf.memory().numTensors, momentumTensors, 'tensors leaked');
    momentum.dispose();
  });

  for (const kind of ['adam', 'momentum', 'rmsprop with momentum'] as const) {
    for (const [writer, reader] of [
      ['native', 'wasm'],
      ['wasm', 'native'],
    ] as const) {
      it(`resume a ${kind} checkpoint written by the ${writer} optimizer in the ${reader} one exactly`, async () => {
        const shapes = [[7], [3, 3, 8, 4]];
        const uninterrupted = await train(kind, 'wasm', shapes, 5);
        await use(writer);
        const first = new Training(shapes, optimizer(kind, writer === 'native'));
        first.step();
        first.step();
        const { state, release } = await captureOptimizer(first.optimizer);
        const saved = {
          weights: state.weights.map((weight) => ({ name: weight.name, data: weight.tensor.dataSync().slice() })),
          betaPowers: state.betaPowers,
          shapes: state.weights.map((weight) => weight.tensor.shape),
          variables: first.variables.map((variable) => variable.dataSync().slice() as Float32Array),
        };
        release();
        first.dispose();

        await use(reader);
        const second = new Training(shapes, optimizer(kind, reader === 'native'), saved.variables);
        const weights = saved.weights.map((weight, i) => ({
          name: weight.name,
          tensor: tf.tensor(weight.data, saved.shapes[i]),
        }));
        await restoreOptimizer(second.optimizer, { weights, betaPowers: saved.betaPowers });
        tf.dispose(weights.map((weight) => weight.tensor));
        second.steps = 2;
        for (let i = 0; i < 3; i++) second.step();
        assertSameBits(await second.snapshot(), uninterrupted);
        second.dispose();
      });
    }
  }

  for (const kind of ['adam', 'momentum', 'rmsprop'] as const) {
    for (const setting of ['wasm', 'cpu'] as const) {
      it(`are tfjs's ${kind} where the kernel is absent (${setting === 'wasm' ? 'plain wasm' : 'cpu'})`, async () => {
        const expected = await train(kind, setting, [[7], [4, 5]], 3);
        await use(setting);
        assert.ok(!hasAdamUpdateKernel() && !hasMomentumUpdateKernel() && !hasRmsPropUpdateKernel());
        const before = calls;
        const training = new Training([[7], [4, 5]], optimizer(kind, true));
        for (let i = 0; i < 3; i++) training.step();
        assertSameBits(await training.snapshot(), expected);
        training.dispose();
        assert.equal(calls, before, 'the native kernel did not run');
      });
    }
  }

  it("leave centered RMSProp to tfjs's code", async () => {
    const expected = await train('centered rmsprop', 'wasm', [[7], [4, 5]], 3);
    const before = calls;
    const actual = await train('centered rmsprop', 'native', [[7], [4, 5]], 3);
    assert.ok(hasRmsPropUpdateKernel());
    assert.equal(calls, before, 'the native kernel did not run');
    assertSameBits(actual, expected);
  });

  it('refuse inputs of different shapes and missing attributes, naming the kernel', async () => {
    await use('native');
    const [a, b] = [tf.zeros([3]), tf.zeros([4])];
    const adamAttrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.01 };
    assert.throws(
      () => tf.engine().runKernel(ADAM_UPDATE, { value: a, m: a, v: a, gradient: b }, adamAttrs),
      /MedTransferAdamUpdate .*differ in shape/,
    );
    assert.throws(
      () => tf.engine().runKernel(ADAM_UPDATE, { value: a, m: a, v: a, gradient: a }, adamAttrs),
      /MedTransferAdamUpdate: biasCorrection1 must be a number, biasCorrection2 must be a number/,
    );
    assert.throws(
      () => tf.engine().runKernel(MOMENTUM_UPDATE, { value: a, accumulation: a, gradient: a }, { momentum: 0.9 }),
      /MedTransferMomentumUpdate: negativeLearningRate must be a number, useNesterov must be a boolean/,
    );
    tf.dispose([a, b]);
  });

  it("save as tfjs's Adam, Momentum and RMSProp", () => {
    for (const kind of ['adam', 'momentum', 'rmsprop'] as const) {
      const fused = optimizer(kind, true);
      const original = optimizer(kind, false);
      assert.equal(fused.getClassName(), original.getClassName());
      assert.deepEqual(fused.getConfig(), original.getConfig());
      fused.dispose();
      original.dispose();
    }
  });
});
