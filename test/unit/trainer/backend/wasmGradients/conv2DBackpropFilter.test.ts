// Conv2D and depthwise gradients on wasm (our Conv2DBackpropFilter, Conv2DBackpropInput,
// DepthwiseConv2dNativeBackpropFilter/Input) against the cpu backend's, over strides, paddings,
// kernel sizes and channel counts; and no tensor or data id left behind.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasm } from '../../../../../src/trainer/backend/wasmGradients/conv2DBackpropFilter';
import { compareWithCpu, input, useWasm } from '../../../../support/wasmTestSetup';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

const PADS: Array<[string, Pad]> = [
  ['same', 'same'],
  ['valid', 'valid'],
  [
    'explicit',
    [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  ],
];
// [batch, height, width, inChannels, outChannels or channel multiplier]
const SHAPES: Array<[number, number, number, number, number]> = [
  [2, 7, 8, 3, 4],
  [3, 9, 6, 5, 2],
  [1, 11, 11, 8, 1],
];
const TOLERANCE = 1e-4;

before(useWasm);

for (const depthwise of [false, true]) {
  describe(depthwise ? 'depthwiseConv2d gradients on wasm' : 'conv2d gradients on wasm', () => {
    for (const kernel of [1, 3, 5]) {
      for (const stride of [1, 2]) {
        for (const [padName, pad] of PADS) {
          it(`${kernel}×${kernel}, stride ${stride}, ${padName} padding match cpu`, async () => {
            for (const [n, h, w, ci, co] of SHAPES) {
              const x = input([n, h, w, ci], n * 31 + h);
              const filter = input([kernel, kernel, ci, co], kernel * 17 + co);
              const f = (a: tf.Tensor, b: tf.Tensor) =>
                depthwise
                  ? tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
                  : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
              const tensorsBefore = tf.memory().numTensors;
              const difference = await compareWithCpu(f, [x, filter]);
              assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
              assert.ok(
                difference < TOLERANCE,
                `shape ${[n, h, w, ci, co].join('×')}: relative difference ${difference}`,
              );
            }
          });
        }
      }
    }
  });
}

describe('strided conv2d input gradient by phases on wasm', () => {
  // Strides 3 and 4, even kernels, kernels that leave some phases a tap short, input sizes that
  // the stride does not divide, and padding beyond the kernel. (A kernel within the stride takes
  // the spread-out path, which the stride-2 1×1 cases above cover.)
  for (const [kernel, stride] of [
    [4, 3],
    [5, 3],
    [5, 4],
    [7, 3],
  ] as const) {
    for (const [padName, pad] of [
      ...PADS,
      [
        'explicit, wide',
        [
          [0, 0],
          [3, 1],
          [0, 4],
          [0, 0],
        ],
      ] as [string, Pad],
    ]) {
      it(`${kernel}×${kernel}, stride ${stride}, ${padName} padding match cpu`, async () => {
        for (const [batch, height, width, inChannels, outChannels] of [
          [2, 13, 10, 3, 4],
          [1, 12, 12, 2, 5],
        ]) {
          const difference = await compareWithCpu(
            (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad),
            [
              input([batch ?? 1, height ?? 1, width ?? 1, inChannels ?? 1], 1),
              input([kernel, kernel, inChannels ?? 1, outChannels ?? 1], 2),
            ],
          );
          assert.ok(difference < TOLERANCE, `relative difference ${difference}`);
        }
      });
    }
  }
});

describe('fused conv gradients on wasm', () => {
  it('fused conv2d and depthwiseConv2d (bias + relu), as tfjs-layers builds them, match cpu', async () => {
    const x = input([2, 8, 8, 4], 1);
    const bias = input([6], 2);
    const conv = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.fused.conv2d({
        x: a as tf.Tensor4D,
        filter: b as tf.Tensor4D,
        bias: c,
        activation: 'relu',
        strides: 2,
        pad: 'same',
      });
    assert.ok((await compareWithCpu(conv, [x, input([3, 3, 4, 6], 3), bias])) < TOLERANCE);
    const depthwise = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.fused.depthwiseConv2d({
        x: a as tf.Tensor4D,
        filter: b as tf.Tensor4D,
        bias: c,
        activation: 'relu',
        strides: 1,
        pad: 'same',
      });
    assert.ok((await compareWithCpu(depthwise, [x, input([3, 3, 4, 2], 4), input([8], 5)])) < TOLERANCE);
  });
});

describe('gradient kernels: unsupported attributes and raw inputs', () => {
  it('rejects dilations other than 1 with a clear message', async () => {
    await useWasm();
    const x = tf.zeros([1, 9, 9, 2]);
    const dy = tf.zeros([1, 5, 5, 2]);
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x, dy },
            { strides: 1, pad: 'valid', dilations: 2, filterShape: [3, 3, 2, 1] },
          ),
      /dilations other than 1 are not supported/,
    );
    tf.dispose([x, dy]);
  });

  it('rejects NCHW data with a clear message', async () => {
    await useWasm();
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 3, 3, 3]);
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] },
          ),
      /only NHWC/,
    );
    tf.dispose([x, dy]);
  });

  it('accepts bare TensorInfos, leaving the caller’s data alive and nothing behind', async () => {
    await useWasm();
    const x = tf.tensor(input([2, 6, 6, 3], 7).data, [2, 6, 6, 3]);
    const dy = tf.tensor(input([2, 4, 4, 5], 8).data, [2, 4, 4, 5]);
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 5] };
    const expected = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
    const tensorsBefore = tf.memory().numTensors;
    const result = conv2DBackpropFilterWasm({
      inputs: {
        x: { dataId: x.dataId, shape: x.shape, dtype: x.dtype },
        dy: { dataId: dy.dataId, shape: dy.shape, dtype: dy.dtype },
      },
      backend: tf.backend(),
      attrs,
    }) as tf.Tensor;
    assert.equal(tf.memory().numTensors, tensorsBefore + 1, 'only the result is new');
    assert.deepEqual(Array.from(result.dataSync()), Array.from(expected.dataSync()));
    assert.equal(x.dataSync().length, 2 * 6 * 6 * 3, 'input data still readable');
    tf.dispose([x, dy, expected, result]);
  });
});
