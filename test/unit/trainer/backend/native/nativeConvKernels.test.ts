// The native (oneDNN) convolution kernels on the wasm backend against the cpu backend: forward
// and both gradients of conv2d and depthwise conv over shapes, kernel sizes, strides (unequal
// too), 'same'/'valid'/asymmetric explicit padding, rounded numeric padding and dilations; the
// fused forms with bias and every activation oneDNN runs; PReLU left to wasm; no tensor leaked;
// and the wasm kernels back in place once the native ones are taken out.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { findWasmKernel } from '../../../../../src/trainer/backend/wasmGradients/registerWasmGradientKernels';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { compareWithCpu, input, relativeDifference } from '../../../../support/wasmTestSetup';
import type { InputSpec } from '../../../../support/wasmTestSetup';

const TOLERANCE = 1e-4;
const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

/** Counts the addon's calls by pass, so a test fails if its case silently went to the wasm kernel. */
const calls = [0, 0, 0];
function counting(addon: NativeAddon): NativeAddon {
  return {
    ...addon,
    convolution: (pass, ...rest) => {
      calls[pass] = (calls[pass] ?? 0) + 1;
      addon.convolution(pass, ...rest);
    },
  };
}

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
const ASYMMETRIC: Pad = [
  [0, 0],
  [1, 2],
  [2, 0],
  [0, 0],
];
const PADS: Array<[string, Pad]> = [
  ['same', 'same'],
  ['valid', 'valid'],
  ['explicit asymmetric', ASYMMETRIC],
];
// [batch, height, width, inChannels, outChannels or channel multiplier]
const SHAPES: Array<[number, number, number, number, number]> = [
  [2, 9, 8, 4, 5],
  [1, 12, 7, 16, 2],
];

async function forwardOn(backend: 'cpu' | 'wasm', f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: InputSpec[]) {
  await tf.setBackend(backend);
  return tf.tidy(() => f(...inputs.map((spec) => tf.tensor(spec.data, spec.shape))).dataSync() as Float32Array);
}

/** Forward and gradients against cpu; the native passes named in `passes` must have run. */
async function assertMatchesCpu(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: InputSpec[],
  passes: { forward: boolean; gradients: boolean },
  label: string,
): Promise<void> {
  const before = [...calls];
  const tensorsBefore = tf.memory().numTensors;
  const forward = relativeDifference(await forwardOn('wasm', f, inputs), await forwardOn('cpu', f, inputs));
  assert.ok(forward < TOLERANCE, `${label}: forward relative difference ${forward}`);
  if (passes.gradients) {
    const gradients = await compareWithCpu(f, inputs);
    assert.ok(gradients < TOLERANCE, `${label}: gradient relative difference ${gradients}`);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, `${label}: tensors leaked`);
  const ran = calls.map((count, pass) => count - (before[pass] ?? 0));
  if (passes.forward) assert.ok((ran[0] ?? 0) > 0, `${label}: the native forward did not run`);
  if (passes.gradients) {
    assert.ok((ran[1] ?? 0) > 0 && (ran[2] ?? 0) > 0, `${label}: the native gradients did not run (${ran.join(', ')})`);
  }
}

describe('native convolution kernels on wasm', { skip }, () => {
  before(async () => {
    if ('addon' in found) await useNativeKernels(counting(found.addon));
  });

  for (const depthwise of [false, true]) {
    const op = (stride: number | [number, number], pad: Pad, dilation: number | [number, number] = 1) =>
      depthwise
        ? (x: tf.Tensor, w: tf.Tensor) =>
            tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad as 'same', 'NHWC', dilation)
        : (x: tf.Tensor, w: tf.Tensor) =>
            tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad as 'same', 'NHWC', dilation);
    const name = depthwise ? 'depthwiseConv2d' : 'conv2d';

    for (const kernel of [1, 3, 5]) {
      for (const stride of [1, 2, [2, 1]] as Array<number | [number, number]>) {
        it(`${name} ${kernel}×${kernel}, stride ${String(stride)}: forward and gradients match cpu`, async () => {
          for (const [padName, pad] of PADS) {
            for (const [n, h, w, ci, co] of SHAPES) {
              await assertMatchesCpu(
                op(stride, pad),
                [input([n, h, w, ci], h * 7 + kernel), input([kernel, kernel, ci, co], kernel * 13 + co)],
                { forward: true, gradients: true },
                `${padName}, ${[n, h, w, ci, co].join('×')}`,
              );
            }
          }
        });
      }
    }

    it(`${name} with dilations (forward; tfjs has no dilated gradients) matches cpu`, async () => {
      for (const dilation of [2, [1, 3]] as Array<number | [number, number]>) {
        for (const pad of ['same', 'valid'] as const) {
          await assertMatchesCpu(
            op(1, pad, dilation),
            [input([2, 11, 13, 3], 3), input([3, 3, 3, 2], 4)],
            { forward: true, gradients: false },
            `dilation ${String(dilation)}, ${pad}`,
          );
        }
      }
    });

    // Forward only: tfjs's gradients drop the rounding mode, so their shapes disagree with dy's.
    it(`${name} with a numeric padding rounded up ('ceil') matches cpu`, async () => {
      const f = depthwise
        ? (x: tf.Tensor, w: tf.Tensor) =>
            tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 1, 'NHWC', 1, 'ceil')
        : (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 1, 'NHWC', 1, 'ceil');
      await assertMatchesCpu(
        f,
        [input([2, 8, 9, 3], 5), input([2, 2, 3, 2], 6)],
        { forward: true, gradients: false },
        'ceil',
      );
    });

    it(`fused ${name} with bias and each activation matches cpu`, async () => {
      for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid'] as const) {
        const f = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) => {
          const config = {
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 2,
            pad: 'same' as const,
            bias,
            activation,
            leakyreluAlpha: 0.1,
          };
          return depthwise ? tf.fused.depthwiseConv2d(config) : tf.fused.conv2d(config);
        };
        const co = depthwise ? 3 * 2 : 4;
        // Scaled up so that relu6 clips and sigmoid saturates somewhere.
        const x = input([2, 9, 9, 3], 7);
        x.data = x.data.map((value) => value * 8);
        await assertMatchesCpu(
          f,
          [x, input([3, 3, 3, depthwise ? 2 : 4], 8), input([co], 9)],
          // A fused op with an activation records unfused ops for its gradient; linear records the fused one.
          { forward: true, gradients: activation === 'linear' },
          activation,
        );
      }
    });
  }

  it('leaves a fused conv2d with PReLU to the wasm kernel, which matches cpu', async () => {
    const before = calls[0];
    const f = (x: tf.Tensor, w: tf.Tensor, alpha: tf.Tensor) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: w as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        activation: 'prelu',
        preluActivationWeights: alpha,
      });
    const inputs = [input([1, 6, 6, 2], 1), input([3, 3, 2, 3], 2), input([3], 3)];
    const forward = relativeDifference(await forwardOn('wasm', f, inputs), await forwardOn('cpu', f, inputs));
    assert.ok(forward < TOLERANCE, `relative difference ${forward}`);
    assert.equal(calls[0], before, 'the native forward ran for PReLU');
  });

  it('reuses a reordered filter only for the tensor it was reordered from', async () => {
    // 64 → 64 channels 3×3: oneDNN runs it in a blocked filter layout, so the filter is reordered.
    await tf.setBackend('wasm');
    const [x, a, b] = [input([2, 6, 6, 64], 4), input([3, 3, 64, 64], 5), input([3, 3, 64, 64], 6)].map((spec) =>
      tf.tensor4d(spec.data, spec.shape as [number, number, number, number]),
    );
    if (!x || !a || !b) throw new Error('no tensors');
    const convolve = (filter: tf.Tensor4D) => tf.tidy(() => tf.conv2d(x, filter, 1, 'same').dataSync() as Float32Array);
    // A, B, A again: a cache keyed on anything but the tensor would give B's output twice or A's for B.
    const outputs = [convolve(a), convolve(b), convolve(a), convolve(a)];
    await tf.setBackend('cpu');
    const onCpu = (filter: tf.Tensor4D) =>
      tf.tidy(() => {
        const moved = [tf.tensor(x.dataSync(), x.shape), tf.tensor(filter.dataSync(), filter.shape)] as tf.Tensor4D[];
        return tf.conv2d(moved[0] as tf.Tensor4D, moved[1] as tf.Tensor4D, 1, 'same').dataSync() as Float32Array;
      });
    const expected = [onCpu(a), onCpu(b), onCpu(a), onCpu(a)];
    outputs.forEach((output, index) => {
      const difference = relativeDifference(output, expected[index] ?? new Float32Array());
      assert.ok(difference < TOLERANCE, `call ${index}: relative difference ${difference}`);
    });
    assert.deepEqual(outputs[3], outputs[2], 'the same filter gives the same output');
    await tf.setBackend('wasm');
    tf.dispose([x, a, b]);
  });

  it('runs narrow convolutions with a large filter on the blocked layout, matching cpu', async () => {
    if (!('addon' in found)) return;
    const { addon } = found;
    // 3 pixels a row, a 3×3×384×384 filter (1.3 M values): threaded, above the blocked-layout threshold.
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    const inputs = [input([2, 3, 3, 384], 11), input([3, 3, 384, 384], 12)];
    await assertMatchesCpu(f, inputs, { forward: true, gradients: true }, 'narrow, blocked');
    const shape = Int32Array.from([2, 3, 3, 384, 3, 3, 384, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const layouts = () =>
      [0, 1, 2].map((pass) => /blocked activations/.test(addon.implementation(pass, shape, false, 0, 0)));
    if (addon.about().threads > 1)
      assert.deepEqual(layouts(), [true, true, false], 'forward and input gradient blocked');
    const width = addon.narrowConvolutionWidth(0);
    try {
      assert.deepEqual(layouts(), [false, false, false], 'width 0: nothing blocked');
      await assertMatchesCpu(f, inputs, { forward: true, gradients: true }, 'narrow, NHWC');
    } finally {
      addon.narrowConvolutionWidth(width);
    }
    assert.equal(addon.narrowConvolutionWidth(), 4);
  });

  it('runs 3×3 convolutions of 64 channels and more by Winograd, matching cpu', async () => {
    if (!('addon' in found)) return;
    const { addon } = found;
    const shape = Int32Array.from([8, 8, 8, 64, 3, 3, 64, 8, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const kernels = () => [0, 1, 2].map((pass) => addon.implementation(pass, shape, false, 0, 0));
    if (addon.about().threads > 1) {
      for (const name of kernels()) assert.match(name, /wino/, 'a Winograd kernel for every pass');
    }
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    const inputs = [input([8, 8, 8, 64], 13), input([3, 3, 64, 64], 14)];
    await assertMatchesCpu(f, inputs, { forward: true, gradients: true }, 'Winograd');
    const enabled = addon.winogradConvolutions(false);
    try {
      for (const name of kernels()) assert.doesNotMatch(name, /wino/, 'turned off: direct kernels');
      await assertMatchesCpu(f, inputs, { forward: true, gradients: true }, 'direct');
    } finally {
      addon.winogradConvolutions(enabled);
    }
    assert.equal(addon.winogradConvolutions(), true);
  });

  it('checks array lengths against the shape before oneDNN reads them', () => {
    if (!('addon' in found)) return;
    const shape = Int32Array.from([1, 4, 4, 2, 3, 3, 2, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const ok = (size: number) => new Float32Array(size);
    assert.throws(
      () => found.addon.convolution(0, shape, ok(31), ok(36), ok(32), null, 0, 0),
      /src holds 31 values, the shape needs 32/,
    );
    assert.throws(
      () => found.addon.convolution(0, shape.subarray(0, 17), ok(32), ok(36), ok(32), null, 0, 0),
      /shape holds 17 values, the shape needs 18/,
    );
    const wrongOutput = Int32Array.from(shape);
    wrongOutput[7] = 5;
    assert.throws(
      () => found.addon.convolution(0, wrongOutput, ok(32), ok(36), ok(40), null, 0, 0),
      /output size does not follow/,
    );
    assert.match(found.addon.implementation(0, shape, false, 0, 0), /\S/);
  });

  it('puts the wasm kernels back when taken out, and in again', async () => {
    if (!('addon' in found)) return;
    const nativeKernel = findWasmKernel('Conv2D')?.kernelFunc;
    unregisterNativeKernels();
    const wasmKernel = findWasmKernel('Conv2D')?.kernelFunc;
    assert.ok(wasmKernel !== undefined && wasmKernel !== nativeKernel);
    const before = [...calls];
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    await forwardOn('wasm', f, [input([1, 5, 5, 2], 1), input([3, 3, 2, 2], 2)]);
    assert.deepEqual(calls, before, 'a native kernel ran after being taken out');
    await useNativeKernels(counting(found.addon));
    assert.notEqual(findWasmKernel('Conv2D')?.kernelFunc, wasmKernel);
  });
});
