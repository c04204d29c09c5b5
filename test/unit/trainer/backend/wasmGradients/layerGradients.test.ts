// The gradients of every other op our models train through, on wasm against cpu: max pooling
// (our MaxPoolGrad, ties included), matMul with transposes (our BatchMatMul wrapper), gather
// (our UnsortedSegmentSum), and the built-in ones (avg pooling, batch norm, softmax
// cross-entropy, global average pooling, relu6) to show they need nothing from us.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { compareWithCpu, input, useWasm } from '../../../../support/wasmTestSetup';

const TOLERANCE = 1e-4;

before(useWasm);

async function assertMatchesCpu(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: ReturnType<typeof input>[],
): Promise<void> {
  const tensorsBefore = tf.memory().numTensors;
  const difference = await compareWithCpu(f, inputs);
  assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
  assert.ok(difference < TOLERANCE, `relative difference ${difference}`);
}

describe('max pooling gradient on wasm', () => {
  for (const [pool, stride] of [
    [2, 2],
    [3, 2],
    [3, 1],
    [2, 1],
  ] as const) {
    for (const pad of ['same', 'valid'] as const) {
      it(`pool ${pool}, stride ${stride}, ${pad} padding matches cpu`, async () => {
        for (const shape of [
          [2, 7, 8, 3],
          [1, 10, 10, 16],
        ]) {
          await assertMatchesCpu((x) => tf.maxPool(x as tf.Tensor4D, pool, stride, pad), [input(shape, shape[1] ?? 0)]);
        }
      });
    }
  }

  it('2×2 stride 2 on even sizes, ReLU zeros tied: the first maximum, as cpu does', async () => {
    const tied = input([3, 8, 6, 5], 8);
    tied.data = tied.data.map((value) => Math.max(0, Math.floor((value + 0.5) * 3) / 3 - 0.4));
    for (const pad of ['valid', 'same'] as const)
      await assertMatchesCpu((x) => tf.maxPool(x as tf.Tensor4D, 2, 2, pad), [tied]);
  });

  it('gives a tied window’s gradient to its first maximum only, as cpu does', async () => {
    // Three levels only: most windows hold their maximum more than once, across rows and columns.
    const tied = input([2, 9, 9, 4], 5);
    tied.data = tied.data.map((value) => Math.floor((value + 0.5) * 3) / 3);
    for (const [pool, stride] of [
      [2, 2],
      [3, 1],
    ] as const) {
      await assertMatchesCpu((x) => tf.maxPool(x as tf.Tensor4D, pool, stride, 'same'), [tied]);
    }
  });
});

describe('matMul gradients on wasm (transposed operands)', () => {
  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`transposeA ${transposeA}, transposeB ${transposeB}, batched and not, match cpu`, async () => {
      const a = input(transposeA ? [7, 5] : [5, 7], 1);
      const b = input(transposeB ? [3, 7] : [7, 3], 2);
      await assertMatchesCpu((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, transposeA, transposeB), [a, b]);
      const batchedA = input(transposeA ? [2, 7, 5] : [2, 5, 7], 3);
      const batchedB = input(transposeB ? [2, 3, 7] : [2, 7, 3], 4);
      await assertMatchesCpu(
        (x, y) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, transposeA, transposeB),
        [batchedA, batchedB],
      );
    });
  }

  it('a dense layer (fused matMul with bias and relu) matches cpu', async () => {
    const f = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
      tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: 'relu' });
    await assertMatchesCpu(f, [input([6, 10], 1), input([10, 4], 2), input([4], 3)]);
  });
});

describe('gather gradient (UnsortedSegmentSum) on wasm', () => {
  it('gather with repeated indices matches cpu', async () => {
    const indices = tf.tensor1d([0, 3, 3, 1, 0, 4], 'int32');
    await assertMatchesCpu((table) => tf.gather(table, indices), [input([5, 3], 1)]);
    await assertMatchesCpu((table) => tf.gather(table, indices, 1), [input([2, 5, 3], 2)]);
    indices.dispose();
  });

  it('unsortedSegmentSum drops ids outside [0, numSegments), like cpu', async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, -1, 0, 2], 'int32');
    const result = tf.unsortedSegmentSum(x, ids, 3);
    assert.deepEqual(result.shape, [3, 2]);
    assert.deepEqual(Array.from(result.dataSync()), [5, 6, 0, 0, 8, 10]);
    const ints = tf.unsortedSegmentSum(tf.cast(x, 'int32'), ids, 3);
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(Array.from(ints.dataSync()), [5, 6, 0, 0, 8, 10]);
    tf.dispose([x, ids, result, ints]);
  });
});

describe('tile on wasm (batch-norm gradients tile 1/√variance)', () => {
  it('matches cpu for every rank, dtype and kind of repetition', async () => {
    const cases: Array<{ shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }> = [
      { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1], dtype: 'float32' },
      { shape: [2, 3], reps: [2, 3], dtype: 'float32' },
      { shape: [4, 1], reps: [1, 7], dtype: 'int32' },
      { shape: [3], reps: [5], dtype: 'bool' },
      { shape: [2, 1, 3], reps: [1, 1, 1], dtype: 'float32' },
      { shape: [2, 2, 2], reps: [3, 1, 2], dtype: 'int32' },
      { shape: [0, 2], reps: [2, 2], dtype: 'float32' },
    ];
    for (const { shape, reps, dtype } of cases) {
      const data = Array.from(input(shape, shape.length).data, (value) =>
        dtype === 'float32' ? value : Math.round(value * 10),
      );
      const results: number[][] = [];
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        results.push(tf.tidy(() => Array.from(tf.tile(tf.tensor(data, shape, dtype), reps).dataSync())));
      }
      assert.deepEqual(results[1], results[0], `${dtype} ${JSON.stringify(shape)} × ${JSON.stringify(reps)}`);
    }
    const tensorsBefore = tf.memory().numTensors;
    tf.tidy(() => {
      tf.tile(tf.ones([2, 2]), [2, 2]).dataSync();
    });
    assert.equal(tf.memory().numTensors, tensorsBefore);
  });
});

describe('built-in gradients our models need, on wasm', () => {
  it('avg pooling matches cpu', async () => {
    await assertMatchesCpu((x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'same'), [input([2, 7, 7, 3], 1)]);
  });

  it('batch normalisation (training: moments of the batch) matches cpu', async () => {
    const f = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
    };
    await assertMatchesCpu(f, [input([3, 5, 5, 4], 1), input([4], 2), input([4], 3)]);
  });

  it('softmax cross-entropy, global average pooling and relu6 match cpu', async () => {
    // tfjs's IS_TEST data-id check misfires on its own customGrad ops (softmaxCrossEntropy
    // saves clones for the tape), on cpu as on wasm: off for this one.
    tf.env().set('IS_TEST', false);
    const labels = tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), 3);
    await assertMatchesCpu((logits) => tf.losses.softmaxCrossEntropy(labels, logits), [input([3, 3], 1)]);
    labels.dispose();
    tf.env().set('IS_TEST', true);
    await assertMatchesCpu((x) => tf.mean(x, [1, 2]), [input([2, 4, 4, 3], 2)]);
    await assertMatchesCpu((x) => tf.relu6(tf.mul(x, 20)), [input([4, 6], 3)]);
  });
});

describe('the torchvision backbones’ ops, on wasm (no kernel of ours needed)', () => {
  it('zero padding, then a 7×7 stride-2 valid convolution and a 3×3 stride-2 valid max pool, match cpu', async () => {
    const f = (x: tf.Tensor, kernel: tf.Tensor) => {
      const padded = tf.pad(x as tf.Tensor4D, [
        [0, 0],
        [3, 3],
        [3, 3],
        [0, 0],
      ]);
      const y = tf.relu(tf.conv2d(padded, kernel as tf.Tensor4D, 2, 'valid'));
      return tf.maxPool(
        tf.pad(y, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
        3,
        2,
        'valid',
      );
    };
    await assertMatchesCpu(f, [input([2, 13, 11, 3], 1), input([7, 7, 3, 4], 2)]);
  });

  it('5×5 and 3×3 stride-2 valid depthwise convolutions after padding match cpu', async () => {
    for (const kernel of [5, 3]) {
      const p = (kernel - 1) / 2;
      const f = (x: tf.Tensor, filter: tf.Tensor) =>
        tf.depthwiseConv2d(
          tf.pad(x as tf.Tensor4D, [
            [0, 0],
            [p, p],
            [p, p],
            [0, 0],
          ]),
          filter as tf.Tensor4D,
          2,
          'valid',
        );
      await assertMatchesCpu(f, [input([2, 9, 10, 6], 3), input([kernel, kernel, 6, 1], 4)]);
    }
  });

  it('squeeze-excitation: SiLU, sigmoid and a broadcast channel scale match cpu', async () => {
    const f = (x: tf.Tensor, weights: tf.Tensor) => {
      const silu = tf.mul(x, tf.sigmoid(x));
      const squeezed = tf.mean(silu, [1, 2], true);
      const scale = tf.sigmoid(tf.conv2d(squeezed as tf.Tensor4D, weights as tf.Tensor4D, 1, 'valid'));
      return tf.mul(silu, scale);
    };
    await assertMatchesCpu(f, [input([2, 5, 5, 4], 5), input([1, 1, 4, 4], 6)]);
  });

  it('a DenseNet transition (concatenation, 2×2 average pool) matches cpu', async () => {
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.avgPool(tf.concat([a, b], 3) as tf.Tensor4D, 2, 2, 'valid');
    await assertMatchesCpu(f, [input([2, 7, 6, 3], 7), input([2, 7, 6, 2], 8)]);
  });
});
