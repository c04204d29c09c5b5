// The native Sum over every axis but the last (a bias's gradient) against the cpu backend: the seed
// CNN's first bias gradient, a dense layer's, keepDims and negative axes; the addon must have run for
// those, and every other reduction (another axis, int32) must give wasm's own result without it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { relativeDifference, values } from '../../../../support/wasmTestSetup';

const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

let channelSums = 0;
function counting(addon: NativeAddon): NativeAddon {
  const channelSum: NativeAddon['channelSum'] = (...args) => {
    channelSums++;
    addon.channelSum(...args);
  };
  return { ...addon, channelSum } as NativeAddon;
}

async function sumOn(
  backend: 'cpu' | 'native' | 'wasm',
  data: Float32Array | Int32Array,
  shape: number[],
  axis: number | readonly number[],
  keepDims: boolean,
): Promise<{ values: Float32Array; shape: number[] }> {
  if (!('addon' in found)) throw new Error('no addon');
  if (backend === 'cpu') await tf.setBackend('cpu');
  else await useNativeKernels(counting(found.addon), backend === 'native');
  const result = tf.tidy(() => tf.sum(tf.tensor(data, shape), typeof axis === 'number' ? axis : [...axis], keepDims));
  const out = { values: Float32Array.from(result.dataSync()), shape: result.shape };
  result.dispose();
  return out;
}

describe('native Sum (bias gradients)', { skip }, () => {
  for (const [shape, axis, keepDims] of [
    [[64, 26, 26, 32], [0, 1, 2], false],
    [[64, 10], 0, false],
    [[5, 7, 3], [-3, -2], true],
    [[3, 1000, 17], [1, 0], false],
  ] as const) {
    it(`sums ${JSON.stringify(shape)} over ${JSON.stringify(axis)}${keepDims ? ' keeping dims' : ''} as cpu does`, async () => {
      const size = shape.reduce((a: number, b: number) => a * b, 1);
      const data = values(size, 7);
      const expected = await sumOn('cpu', data, [...shape], axis, keepDims);
      const before = channelSums;
      const actual = await sumOn('native', data, [...shape], axis, keepDims);
      assert.equal(channelSums, before + 1, 'the native channel sum did not run');
      assert.deepEqual(actual.shape, expected.shape);
      const difference = relativeDifference(actual.values, expected.values);
      assert.ok(difference < 1e-5, `differs by ${difference}`);
    });
  }

  for (const [label, data, shape, axis] of [
    ['another axis', values(24, 3), [4, 6], 1],
    ['every axis', values(24, 4), [4, 6], [0, 1]],
    ['int32', Int32Array.from({ length: 24 }, (_, i) => i - 5), [4, 6], 0],
  ] as const) {
    it(`leaves ${label} to wasm's own Sum`, async () => {
      const expected = await sumOn('wasm', data, [...shape], axis, false);
      const before = channelSums;
      const actual = await sumOn('native', data, [...shape], axis, false);
      assert.equal(channelSums, before);
      assert.deepEqual(actual, expected);
    });
  }
});
