// The native copies (PadV2, Slice, Concat, SplitV) on the wasm backend against the cpu backend,
// value for value: ranks 1 to 5, odd sizes, padding on some sides only, non-zero constants, empty
// slices, slices of whole axes and of channels, concatenation along every axis of one to twelve
// inputs, splits into sizes (one empty) and into equal parts, and sizes above the threads' threshold
// (16 Mi values); their gradients; the addon must have run for float32, and other dtypes, empty
// inputs and a lone input must give wasm's own result without it. Taken out (`backend: wasm`), the
// built-in kernels are back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { findWasmKernel } from '../../../../../src/trainer/backend/wasmGradients/registerWasmGradientKernels';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { values } from '../../../../support/wasmTestSetup';

const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

type CopyName = 'pad' | 'slice' | 'concat';
const calls: Record<CopyName, number> = { pad: 0, slice: 0, concat: 0 };
function counting(addon: NativeAddon): NativeAddon {
  return {
    ...addon,
    pad: (...args) => {
      calls.pad++;
      addon.pad(...args);
    },
    slice: (...args) => {
      calls.slice++;
      addon.slice(...args);
    },
    concat: (...args) => {
      calls.concat++;
      addon.concat(...args);
    },
  };
}

interface Result {
  values: number[] | Float32Array | Int32Array;
  shape: number[];
}

async function runOn(backend: 'cpu' | 'native' | 'wasm', f: () => tf.Tensor): Promise<Result> {
  if (!('addon' in found)) throw new Error('no addon');
  if (backend === 'cpu') await tf.setBackend('cpu');
  else await useNativeKernels(counting(found.addon), backend === 'native');
  const result = tf.tidy(f);
  const out = { values: result.dataSync() as Float32Array | Int32Array, shape: result.shape };
  result.dispose();
  return out;
}

function tensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(tf.util.sizeFromShape(shape), seed), shape);
}

/** Above this many values the addon copies on all cores (native/src/copy.cc). */
const PARALLEL_VALUES = 2 ** 24;

/**
 * f on native wasm gives exactly cpu's values and shape, and the addon's `name` ran `expectedCalls`
 * times. Above the threads' threshold the reference is plain wasm (cpu's element-wise slice takes
 * seconds there): what is checked is the split between threads, cpu's semantics below it.
 */
async function assertCopiesAsCpu(name: CopyName, f: () => tf.Tensor, expectedCalls = 1): Promise<void> {
  const plain = await runOn('wasm', f);
  const expected = tf.util.sizeFromShape(plain.shape) >= PARALLEL_VALUES ? plain : await runOn('cpu', f);
  const before = calls[name];
  const actual = await runOn('native', f);
  assert.equal(calls[name] - before, expectedCalls, `the native ${name} ran ${calls[name] - before} times`);
  assert.deepEqual(actual.shape, expected.shape);
  assert.deepEqual(actual.values, expected.values);
}

describe('native PadV2, Slice and Concat', { skip }, () => {
  const pads: Array<[number[], Array<[number, number]>, number]> = [
    [[7], [[2, 3]], 0],
    [
      [5, 3],
      [
        [0, 1],
        [2, 0],
      ],
      1.5,
    ],
    [
      [3, 4, 5],
      [
        [1, 1],
        [0, 0],
        [2, 3],
      ],
      -2,
    ],
    [
      [2, 7, 9, 3],
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      0,
    ],
    [
      [2, 5, 6, 3],
      [
        [0, 0],
        [3, 0],
        [0, 2],
        [0, 0],
      ],
      0,
    ],
    [
      [1, 3, 3, 2],
      [
        [1, 0],
        [0, 0],
        [0, 0],
        [1, 2],
      ],
      7,
    ],
    [
      [2, 3, 2, 3, 2],
      [
        [0, 1],
        [1, 0],
        [0, 0],
        [2, 1],
        [0, 0],
      ],
      0.25,
    ],
    [
      [3, 4],
      [
        [0, 0],
        [0, 0],
      ],
      3,
    ],
    [
      [16, 258, 258, 16],
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      0,
    ],
  ];
  for (const [shape, paddings, value] of pads) {
    it(`pads ${JSON.stringify(shape)} by ${JSON.stringify(paddings)} with ${value} as cpu does`, async () => {
      await assertCopiesAsCpu('pad', () => tf.pad(tensor(shape, 3), paddings, value));
    });
  }

  const slices: Array<[number[], number[], number[], number]> = [
    [[10], [3], [4], 1],
    [[5, 6], [1, 2], [3, -1], 1],
    [[4, 5, 6], [0, 1, 0], [4, 3, 6], 1],
    [[3, 4], [1, 0], [2, 4], 1],
    [[2, 9, 9, 3], [0, 1, 1, 0], [2, 7, 7, 3], 1],
    [[2, 4, 4, 10], [0, 0, 0, 3], [-1, -1, -1, 4], 1],
    [[2, 3, 4, 3, 2], [1, 0, 1, 1, 0], [1, 3, 2, 2, 2], 1],
    [[4, 5], [1, 2], [0, 3], 0],
    [[16, 260, 260, 16], [0, 1, 1, 0], [16, 258, 258, 16], 1],
  ];
  for (const [shape, begin, size, expectedCalls] of slices) {
    it(`slices ${JSON.stringify(size)} at ${JSON.stringify(begin)} of ${JSON.stringify(shape)} as cpu does`, async () => {
      await assertCopiesAsCpu('slice', () => tf.slice(tensor(shape, 5), begin, size), expectedCalls);
    });
  }

  const concats: Array<[number[][], number]> = [
    [[[7], [3]], 0],
    [
      [
        [2, 3, 3, 4],
        [2, 3, 3, 5],
      ],
      3,
    ],
    [Array.from({ length: 12 }, (_, i) => [2, 3, 5, 1 + (i % 5)]), -1],
    [
      [
        [2, 3],
        [5, 3],
        [1, 3],
      ],
      0,
    ],
    [
      [
        [2, 3, 4],
        [2, 1, 4],
        [2, 6, 4],
      ],
      1,
    ],
    [
      [
        [3, 2, 4],
        [3, 5, 4],
      ],
      -2,
    ],
    [
      [
        [2, 2, 3, 2, 3],
        [2, 2, 1, 2, 3],
      ],
      2,
    ],
    [
      [
        [16, 128, 128, 16],
        [16, 128, 128, 16],
      ],
      3,
    ],
  ];
  for (const [shapes, axis] of concats) {
    it(`concatenates ${shapes.length} inputs ${JSON.stringify(shapes[0])}… along ${axis} as cpu does`, async () => {
      await assertCopiesAsCpu('concat', () =>
        tf.concat(
          shapes.map((shape, i) => tensor(shape, 10 + i)),
          axis,
        ),
      );
    });
  }

  const splits: Array<[number[], number | number[], number, number]> = [
    [[2, 3, 3, 9], [4, 5], 3, 2],
    [[2, 3, 3, 9], 3, -1, 3],
    [[6, 4], [1, -1, 2], 0, 3],
    [[3, 7, 2], [2, 0, 5], 1, 2],
  ];
  for (const [shape, sizes, axis, expectedCalls] of splits) {
    it(`splits ${JSON.stringify(shape)} into ${JSON.stringify(sizes)} along ${axis} as cpu does`, async () => {
      const f = () => tf.concat(tf.split(tensor(shape, 17), sizes, axis).map((piece) => tf.reshape(piece, [-1])));
      await assertCopiesAsCpu('slice', f, expectedCalls);
    });
  }

  it('gives the gradients of pad and concat (slices) as cpu does', async () => {
    const f = () => {
      const x = tensor([2, 5, 4, 3], 21);
      const y = tensor([2, 7, 6, 5], 22);
      const weights = tensor([2, 7, 6, 8], 23);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.concat(
              [
                tf.pad(
                  a,
                  [
                    [0, 0],
                    [1, 1],
                    [1, 1],
                    [0, 0],
                  ],
                  0.5,
                ),
                b,
              ],
              3,
            ),
            weights,
          ),
        );
      const [dx, dy] = tf.grads(loss)([x, y]) as [tf.Tensor, tf.Tensor];
      return tf.concat([tf.reshape(dx, [-1]), tf.reshape(dy, [-1])]);
    };
    const expected = await runOn('cpu', f);
    const before = { ...calls };
    const actual = await runOn('native', f);
    assert.ok(calls.pad > before.pad && calls.slice > before.slice && calls.concat > before.concat);
    assert.deepEqual(actual, expected);
  });

  const builtIn: Array<[string, CopyName, () => tf.Tensor]> = [
    [
      'an int32 pad',
      'pad',
      () =>
        tf.pad(
          tf.tensor([1, 2, 3, 4], [2, 2], 'int32'),
          [
            [1, 0],
            [0, 2],
          ],
          9,
        ),
    ],
    [
      'an empty pad',
      'pad',
      () =>
        tf.pad(
          tf.zeros([0, 3]),
          [
            [1, 1],
            [0, 0],
          ],
          2,
        ),
    ],
    ['an int32 slice', 'slice', () => tf.slice(tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1], [2, 2])],
    ['an int32 concat', 'concat', () => tf.concat([tf.tensor([1, 2], [2], 'int32'), tf.tensor([3], [1], 'int32')])],
    ['a concat of one non-empty input', 'concat', () => tf.concat([tensor([2, 3], 1), tf.zeros([2, 0])], 1)],
  ];
  for (const [label, name, f] of builtIn) {
    it(`leaves ${label} to wasm's own kernel`, async () => {
      const expected = await runOn('wasm', f);
      const before = calls[name];
      const actual = await runOn('native', f);
      assert.equal(calls[name], before);
      assert.deepEqual(actual, expected);
    });
  }

  it('rejects arrays shorter than the shape, and slices past an axis', () => {
    if (!('addon' in found)) return;
    const ints = (...extents: number[]) => Int32Array.from(extents);
    assert.throws(
      () => found.addon.pad(ints(2, 3), ints(1, 0), ints(0, 1), 0, new Float32Array(6), new Float32Array(11)),
      /y holds 11 values, the shape needs 12/,
    );
    assert.throws(
      () => found.addon.slice(ints(4), ints(2), ints(3), new Float32Array(4), new Float32Array(3)),
      /past axis 0/,
    );
    assert.throws(
      () => found.addon.concat(2, ints(2, 3), [new Float32Array(4), new Float32Array(5)], new Float32Array(10)),
      /an input holds 5 values, the shape needs 6/,
    );
  });

  it('puts the wasm kernels back when taken out (backend: wasm), and in again', async () => {
    if (!('addon' in found)) return;
    const names = ['PadV2', 'Slice', 'Concat', 'SplitV'];
    const nativeKernels = names.map((name) => findWasmKernel(name)?.kernelFunc);
    unregisterNativeKernels();
    const wasmKernels = names.map((name) => findWasmKernel(name)?.kernelFunc);
    wasmKernels.forEach((kernel, i) => assert.ok(kernel !== undefined && kernel !== nativeKernels[i]));
    const before = { ...calls };
    await runOn('wasm', () =>
      tf.slice(
        tf.concat([
          tf.pad(tensor([2, 3], 1), [
            [1, 1],
            [0, 0],
          ]),
          tensor([4, 3], 2),
        ]),
        1,
        2,
      ),
    );
    assert.deepEqual(calls, before, 'a native copy ran after being taken out');
    await useNativeKernels(counting(found.addon));
    names.forEach((name, i) => assert.notEqual(findWasmKernel(name)?.kernelFunc, wasmKernels[i]));
  });
});
