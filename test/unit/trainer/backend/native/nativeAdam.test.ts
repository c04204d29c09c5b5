// The native Adam update (MedTransferAdamUpdate) through FusedAdamOptimizer: weights and both
// moments bit for bit tfjs's Adam on plain wasm over several steps, on odd shapes and on sizes that
// take both threads; the kernel must have run and leaked nothing; a checkpoint (the trainer's
// captureOptimizer/restoreOptimizer) written by either optimizer and loaded into the other goes on
// exactly as the uninterrupted run; where the kernel is absent (plain wasm, cpu) it is tfjs's Adam.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { captureOptimizer, restoreOptimizer } from '../../../../../src/trainer/checkpoint/optimizerState';
import { fusedAdam, hasAdamUpdateKernel } from '../../../../../src/trainer/training/fusedAdam';
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
  };
}

/** Fused (native kernels in place) or tfjs's Adam on plain wasm, or either on cpu. */
type Setting = 'native' | 'wasm' | 'cpu';

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
      slotNames: slots.map((weight) => weight.name.replace(/^.*\/(?=[mv]$)/, '')),
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

async function train(setting: Setting, shapes: number[][], steps: number, rate: number): Promise<Snapshot> {
  await use(setting);
  const training = new Training(shapes, setting === 'native' ? fusedAdam(rate) : tf.train.adam(rate));
  for (let i = 0; i < steps; i++) training.step();
  const snapshot = await training.snapshot();
  training.dispose();
  return snapshot;
}

// 1 << 22 values and more take both threads (native/src/optimizer.cc).
const SHAPES = [[1], [7], [1000], [3, 3, 64, 64], [4_194_311]];

describe('native Adam update', { skip }, () => {
  it('steps bit for bit as tfjs Adam on plain wasm, on odd shapes and both threads', async () => {
    const expected = await train('wasm', SHAPES, 4, 0.01);
    const before = calls;
    const actual = await train('native', SHAPES, 4, 0.01);
    assert.equal(calls - before, 4 * SHAPES.length, 'the native kernel ran once a variable a step');
    assertSameBits(actual, expected);
  });

  it('keeps tfjs default rate and ε, and leaks no tensor', async () => {
    const expected = await train('wasm', [[5, 3]], 3, 0.001);
    await use('native');
    const training = new Training([[5, 3]], fusedAdam());
    assert.ok(hasAdamUpdateKernel());
    training.step();
    const tensors = tf.memory().numTensors;
    training.step();
    training.step();
    assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
    assertSameBits(await training.snapshot(), expected);
    training.dispose();
  });

  for (const [writer, reader] of [
    ['native', 'wasm'],
    ['wasm', 'native'],
  ] as const) {
    it(`resumes a checkpoint written by the ${writer} optimizer in the ${reader} one exactly`, async () => {
      const shapes = [[7], [3, 3, 8, 4]];
      const uninterrupted = await train('wasm', shapes, 5, 0.01);
      await use(writer);
      const first = new Training(shapes, writer === 'native' ? fusedAdam(0.01) : tf.train.adam(0.01));
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
      const second = new Training(shapes, reader === 'native' ? fusedAdam(0.01) : tf.train.adam(0.01), saved.variables);
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

  for (const setting of ['wasm', 'cpu'] as const) {
    it(`is tfjs Adam where the kernel is absent (${setting === 'wasm' ? 'plain wasm' : 'cpu'})`, async () => {
      const expected = await train(setting, [[7], [4, 5]], 3, 0.01);
      await use(setting);
      assert.ok(!hasAdamUpdateKernel());
      const before = calls;
      const training = new Training([[7], [4, 5]], fusedAdam(0.01));
      for (let i = 0; i < 3; i++) training.step();
      assertSameBits(await training.snapshot(), expected);
      training.dispose();
      assert.equal(calls, before, 'the native kernel did not run');
    });
  }

  it("saves as tfjs's Adam", () => {
    const optimizer = fusedAdam(0.01);
    assert.equal(optimizer.getClassName(), 'Adam');
    assert.deepEqual(optimizer.getConfig(), tf.train.adam(0.01).getConfig());
    optimizer.dispose();
  });
});
