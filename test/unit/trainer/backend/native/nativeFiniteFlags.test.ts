// The native finiteness check (MedTransferFiniteFlags) through finiteGuard: for NaN, +Infinity,
// -Infinity and finite values (among them values whose sum overflows float32: still finite), empty
// tensors (finite: wasm's own Sum of no values returned garbage, which finiteGuard now passes over),
// a scalar and many tensors, the flags are those of the tfjs composition finiteGuard falls back to
// (sum(x·0) a tensor) on plain wasm and on cpu; above the threads' threshold, with the non-finite
// value on either side of where the threads split, those known by construction. The addon must
// have run and left no tensor; int32 inputs and `backend: wasm` (kernels taken out) get the
// composition without it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { finiteGuard, hasFiniteFlagsKernel } from '../../../../../src/trainer/training/finiteWeights';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { values } from '../../../../support/wasmTestSetup';

const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

let calls = 0;
function counting(addon: NativeAddon): NativeAddon {
  return {
    ...addon,
    finiteFlags: (...args) => {
      calls++;
      addon.finiteFlags(...args);
    },
  };
}

/** Above this many values in all, the addon checks on both threads (native/src/finite.cc). */
const PARALLEL_VALUES = 2 ** 24;

/** A tensor's values, with `special` written at the given indices. */
type Spec = { shape: number[]; seed: number; special?: Array<[number, number]> };

function make(spec: Spec): tf.Tensor {
  const data = values(tf.util.sizeFromShape(spec.shape), spec.seed);
  for (const [index, value] of spec.special ?? []) data[index] = value;
  return tf.tensor(data, spec.shape);
}

/** Each flag as 'finite' (exactly 0, either sign) or 'NaN'; anything else fails the contract. */
function flagsOf(result: tf.Tensor): string[] {
  return Array.from(result.dataSync(), (flag) => {
    if (flag === 0) return 'finite';
    if (Number.isNaN(flag)) return 'NaN';
    throw new Error(`a flag of ${flag}: only 0 and NaN are flags`);
  });
}

/** finiteGuard's flags for the tensors on the current backend, checking that no tensor is left behind. */
function guardFlags(specs: Spec[]): string[] {
  const tensors = specs.map(make);
  const before = tf.memory().numTensors;
  const flags = tf.tidy(() => flagsOf(finiteGuard(tensors)));
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  tf.dispose(tensors);
  return flags;
}

/** The flags with the native kernel (which must have run once), equal to plain wasm's and cpu's composition. */
async function assertAsComposition(specs: Spec[], withCpu = true): Promise<string[]> {
  if (!('addon' in found)) throw new Error('no addon');
  const expected = await (async () => {
    await useNativeKernels(found.addon, false);
    return guardFlags(specs);
  })();
  if (withCpu) {
    await tf.setBackend('cpu');
    assert.deepEqual(guardFlags(specs), expected, 'wasm and cpu disagree');
  }
  await useNativeKernels(counting(found.addon));
  const before = calls;
  const actual = guardFlags(specs);
  assert.equal(calls - before, 1, 'the native check did not run once');
  assert.deepEqual(actual, expected);
  return actual;
}

describe('native finiteness check', { skip }, () => {
  it('flags NaN, +Infinity and -Infinity anywhere, and passes finite values however large', async () => {
    const flags = await assertAsComposition([
      { shape: [3, 5], seed: 1 },
      { shape: [7], seed: 2, special: [[3, Number.NaN]] },
      { shape: [2, 3, 4], seed: 3, special: [[23, Number.POSITIVE_INFINITY]] },
      { shape: [33], seed: 4, special: [[0, Number.NEGATIVE_INFINITY]] },
      // Their sum overflows float32; each is finite.
      { shape: [4], seed: 5, special: [0, 1, 2, 3].map((index) => [index, 3.4e38] as [number, number]) },
      { shape: [4], seed: 6, special: [0, 1, 2, 3].map((index) => [index, -3.4e38] as [number, number]) },
      { shape: [], seed: 7 },
      { shape: [], seed: 8, special: [[0, Number.NaN]] },
      { shape: [0], seed: 9 },
      { shape: [2, 0, 3], seed: 10 },
      { shape: [1000], seed: 11, special: [[999, Number.NaN]] },
      { shape: [1, 1, 3, 17], seed: 12, special: [[16, Number.POSITIVE_INFINITY]] },
      // The smallest subnormal and the largest finite float32.
      {
        shape: [2],
        seed: 13,
        special: [
          [0, 1.4e-45],
          [1, 3.4028234663852886e38],
        ],
      },
    ]);
    assert.deepEqual(flags, [
      'finite',
      'NaN',
      'NaN',
      'NaN',
      'finite',
      'finite',
      'finite',
      'NaN',
      'finite',
      'finite',
      'NaN',
      'NaN',
      'finite',
    ]);
  });

  it('checks many tensors in one call, each with its own flag', async () => {
    const specs: Spec[] = Array.from({ length: 150 }, (_, index) => {
      const size = 1 + ((index * 37) % 101);
      const special: Array<[number, number]> =
        index % 7 === 3 ? [[(index * 13) % size, index % 2 === 0 ? Number.NaN : Number.NEGATIVE_INFINITY]] : [];
      return { shape: [size], seed: index + 1, special };
    });
    const flags = await assertAsComposition(specs);
    assert.equal(flags.filter((flag) => flag === 'NaN').length, specs.filter((spec) => spec.special?.length).length);
  });

  it('splits the values between threads above the threshold without losing a non-finite value', async () => {
    if (!('addon' in found)) throw new Error('no addon');
    await useNativeKernels(counting(found.addon));
    // 2^24 + 2 values in all: wherever the threads split them, the values either side of the middle,
    // the first and the last are someone's. The composition's flags are known here (cpu's sum over
    // 16 M values is slow); the small cases above check the two agree.
    const half = PARALLEL_VALUES / 2;
    const sizes = [3, half - 4, 5, half - 2];
    const total = sizes.reduce((sum, size) => sum + size, 0);
    assert.ok(total >= PARALLEL_VALUES);
    for (const bad of [half - 1, half, half + 1, half + 2, total - 1, 0]) {
      let start = 0;
      const specs = sizes.map((size, index) => {
        const at = bad - start;
        start += size;
        return { shape: [size], seed: index + 1, special: at >= 0 && at < size ? [[at, Number.NaN]] : [] } as Spec;
      });
      const before = calls;
      const flags = guardFlags(specs);
      assert.equal(calls - before, 1, 'the native check did not run once');
      assert.deepEqual(
        flags,
        specs.map((spec) => (spec.special?.length ? 'NaN' : 'finite')),
        `NaN at ${bad}`,
      );
    }
  });

  it('leaves int32 inputs and plain wasm to the composition', async () => {
    if (!('addon' in found)) throw new Error('no addon');
    await useNativeKernels(counting(found.addon));
    assert.ok(hasFiniteFlagsKernel());
    const before = calls;
    const ints = tf.tensor([1, 2, 3], [3], 'int32');
    assert.deepEqual(
      tf.tidy(() => flagsOf(finiteGuard([ints, tf.tensor([1, Number.NaN])]))),
      ['finite', 'NaN'],
    );
    ints.dispose();
    assert.equal(calls, before, 'the native check ran on an int32 input');
    unregisterNativeKernels();
    assert.ok(!hasFiniteFlagsKernel(), 'the kernel stayed registered on plain wasm');
    assert.deepEqual(
      tf.tidy(() => flagsOf(finiteGuard([tf.tensor([Number.POSITIVE_INFINITY])]))),
      ['NaN'],
    );
    assert.equal(calls, before);
  });
});
