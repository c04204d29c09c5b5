// The forward kernels we replace on wasm for speed (Slice, Identity, DepthToSpace, Minimum/Maximum and the
// comparisons), against the cpu backend: same values for every rank, dtype and broadcast they
// take, the built-in's answer for what they hand back to it, and the gradients that use them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { operandLayout } from '../../../../../src/trainer/backend/wasmGradients/compareOps';
import { compareWithCpu, input, useWasm } from '../../../../support/wasmTestSetup';

before(useWasm);

/** The op's output on cpu and on wasm, as plain arrays with dtype and shape (−0 read as 0: the built-in kernels and cpu differ there). */
async function onBoth(f: () => tf.Tensor): Promise<Array<{ values: number[]; shape: number[]; dtype: string }>> {
  const results = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    results.push(
      tf.tidy(() => {
        const out = f();
        return { values: Array.from(out.dataSync(), (value) => value + 0), shape: out.shape, dtype: out.dtype };
      }),
    );
  }
  return results;
}

describe('slice on wasm', () => {
  it('matches cpu for ranks 1–6, offsets, whole and partial axes, and dtypes', async () => {
    const cases: Array<{ shape: number[]; begin: number[]; size: number[]; dtype: 'float32' | 'int32' | 'bool' }> = [
      // pointwiseWindows' stride pick (resnet-small's strided 1×1 shortcut gradient).
      { shape: [4, 3, 2, 3, 2, 5], begin: [0, 0, 0, 0, 0, 0], size: [4, 3, 1, 3, 1, 5], dtype: 'float32' },
      { shape: [2, 3, 4, 5, 6, 3], begin: [1, 0, 2, 1, 3, 0], size: [1, 3, 2, 4, 2, 3], dtype: 'float32' },
      { shape: [3, 4, 5, 2, 7], begin: [0, 1, 1, 0, 2], size: [3, 2, 4, 2, 5], dtype: 'int32' },
      // Long runs (copied with set) and short ones (a loop).
      { shape: [3, 5, 70], begin: [1, 1, 0], size: [2, 3, 70], dtype: 'float32' },
      { shape: [3, 5, 70], begin: [1, 1, 3], size: [2, 3, 66], dtype: 'float32' },
      { shape: [2, 7, 7, 3], begin: [0, 1, 2, 0], size: [2, 5, 4, 3], dtype: 'float32' },
      { shape: [10], begin: [3], size: [4], dtype: 'bool' },
      { shape: [6, 4], begin: [2, 0], size: [3, 4], dtype: 'int32' },
      { shape: [4, 3], begin: [1, 1], size: [0, 2], dtype: 'float32' },
    ];
    for (const { shape, begin, size, dtype } of cases) {
      const data = Array.from(input(shape, shape.length).data, (value) =>
        dtype === 'float32' ? value : Math.round(value * 10),
      );
      const [cpu, wasm] = await onBoth(() => tf.slice(tf.tensor(data, shape, dtype), begin, size));
      assert.deepEqual(
        wasm,
        cpu,
        `${dtype} ${JSON.stringify(shape)} from ${JSON.stringify(begin)} size ${JSON.stringify(size)}`,
      );
    }
  });

  it('a rank-6 slice’s gradient matches cpu', async () => {
    const difference = await compareWithCpu(
      (x) => tf.slice(x, [0, 1, 0, 0, 1, 0], [2, 2, 1, 3, 1, 4]),
      [input([2, 3, 2, 3, 2, 4], 7)],
    );
    assert.ok(difference < 1e-6, `relative difference ${difference}`);
  });
});

describe('depthToSpace on wasm', () => {
  it('matches cpu for block sizes 2–4, short and long runs', async () => {
    for (const [shape, blockSize] of [
      [[2, 3, 4, 8], 2],
      [[1, 2, 3, 18], 3],
      [[2, 2, 2, 256], 2],
      [[1, 3, 2, 16], 4],
    ] as Array<[[number, number, number, number], number]>) {
      const [cpu, wasm] = await onBoth(() =>
        tf.depthToSpace(tf.tensor(input(shape, 3).data, shape) as tf.Tensor4D, blockSize),
      );
      assert.deepEqual(wasm, cpu, `${JSON.stringify(shape)} block ${blockSize}`);
    }
  });
});

describe('identity on wasm', () => {
  it('shares the data and keeps it alive while either tensor lives', async () => {
    await tf.setBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    const original = tf.tensor([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(original);
    original.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3, 4]);
    copy.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore);
  });
});

describe('minimum, maximum and comparisons on wasm', () => {
  const ops: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
    minimum: tf.minimum,
    maximum: tf.maximum,
    greater: tf.greater,
    greaterEqual: tf.greaterEqual,
    less: tf.less,
    lessEqual: tf.lessEqual,
  };
  // Same shapes; a single value either side (relu6 is minimum(6, relu(x))); a trailing
  // per-channel block; and broadcasts the built-in kernel keeps ([2,1,3] against [2,4,1]).
  const shapes: Array<[number[], number[]]> = [
    [
      [2, 3, 4],
      [2, 3, 4],
    ],
    [[], [2, 3, 4]],
    [[2, 3, 4], [1]],
    [
      [1, 1, 4],
      [2, 3, 4],
    ],
    [[2, 3, 4], [4]],
    [
      [2, 1, 3],
      [2, 4, 1],
    ],
    [
      [3, 1],
      [3, 5],
    ],
  ];
  for (const [name, op] of Object.entries(ops)) {
    it(`${name} matches cpu for every broadcast, float32 and int32, ties included`, async () => {
      for (const [aShape, bShape] of shapes) {
        for (const dtype of ['float32', 'int32'] as const) {
          // Three levels only, so that many pairs tie.
          const values = (shape: number[], seed: number) =>
            Array.from(input(shape, seed).data, (value) => Math.round(value * 2) * (dtype === 'float32' ? 0.5 : 1));
          const a = values(aShape, 1);
          const b = values(bShape, 2);
          const [cpu, wasm] = await onBoth(() => op(tf.tensor(a, aShape, dtype), tf.tensor(b, bShape, dtype)));
          assert.deepEqual(wasm, cpu, `${dtype} ${JSON.stringify(aShape)} vs ${JSON.stringify(bShape)}`);
        }
      }
    });
  }

  it('minimum and maximum propagate NaN as cpu does', async () => {
    const [cpu, wasm] = await onBoth(() =>
      tf.concat([tf.minimum(tf.tensor([NaN, 1, 2]), tf.scalar(1.5)), tf.maximum(tf.scalar(NaN), tf.tensor([0, 1]))]),
    );
    assert.deepEqual(wasm, cpu);
  });

  it('relu6 (minimum(6, relu(x))) and its gradient match cpu', async () => {
    const difference = await compareWithCpu(
      (x) => tf.minimum(tf.scalar(6), tf.relu(tf.mul(x, 20))),
      [input([2, 5, 5, 3], 4)],
    );
    assert.ok(difference < 1e-6, `relative difference ${difference}`);
  });

  it('classifies operand layouts', () => {
    assert.deepEqual(operandLayout([], [2, 3]), { kind: 'single' });
    assert.deepEqual(operandLayout([1, 1], [2, 3]), { kind: 'single' });
    assert.deepEqual(operandLayout([1, 2, 3], [2, 3]), { kind: 'full' });
    assert.deepEqual(operandLayout([1, 1, 3], [4, 2, 3]), { kind: 'period', period: 3 });
    assert.equal(operandLayout([4, 1, 3], [4, 2, 3]), null);
  });
});
