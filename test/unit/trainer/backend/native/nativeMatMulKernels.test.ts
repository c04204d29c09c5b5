// The native matrix products (oneDNN's sgemm) on the wasm backend against the cpu backend: matMul
// with each combination of transposes, forward and gradients (which run transposed products);
// batched products with equal batches and a batch broadcast from one matrix; the fused form with a
// bias and each activation; a product large enough for both threads; PReLU left to wasm; no tensor
// leaked; the kernels must have run, and taken out (`backend: wasm`) they no longer do.
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

const TOLERANCE = 1e-5;
const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

let calls = 0;
function counting(addon: NativeAddon): NativeAddon {
  return {
    ...addon,
    matMul: (...args) => {
      calls++;
      addon.matMul(...args);
    },
  };
}

async function forwardOn(backend: 'cpu' | 'wasm', f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: InputSpec[]) {
  await tf.setBackend(backend);
  return tf.tidy(() => f(...inputs.map((spec) => tf.tensor(spec.data, spec.shape))).dataSync() as Float32Array);
}

async function assertMatchesCpu(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: InputSpec[],
  gradients: boolean,
  label: string,
): Promise<void> {
  const callsBefore = calls;
  const tensorsBefore = tf.memory().numTensors;
  const forward = relativeDifference(await forwardOn('wasm', f, inputs), await forwardOn('cpu', f, inputs));
  assert.ok(forward < TOLERANCE, `${label}: forward relative difference ${forward}`);
  const afterForward = calls;
  assert.ok(afterForward > callsBefore, `${label}: the native product did not run`);
  if (gradients) {
    const difference = await compareWithCpu(f, inputs);
    assert.ok(difference < TOLERANCE, `${label}: gradient relative difference ${difference}`);
    // The forward product and one for each operand's gradient.
    assert.ok(calls - afterForward >= 3, `${label}: the gradients' products did not run natively`);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, `${label}: tensors leaked`);
}

describe('native matrix products on wasm', { skip }, () => {
  before(async () => {
    if ('addon' in found) await useNativeKernels(counting(found.addon));
  });

  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`matMul transposeA ${transposeA}, transposeB ${transposeB}: forward and gradients match cpu`, async () => {
        for (const [m, k, n] of [
          [1, 1, 1],
          [5, 7, 3],
          [17, 64, 2],
        ] as const) {
          const a = input(transposeA ? [k, m] : [m, k], m + k);
          const b = input(transposeB ? [n, k] : [k, n], k + n);
          await assertMatchesCpu(
            (x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, transposeA, transposeB),
            [a, b],
            true,
            `${m}×${k}×${n}`,
          );
        }
      });
    }
  }

  it('batched products with equal batches match cpu, forward and gradients', async () => {
    for (const [aShape, bShape, transposeB] of [
      [[3, 4, 5], [3, 5, 2], false],
      [[2, 3, 4, 5], [2, 3, 2, 5], true],
    ] as Array<[number[], number[], boolean]>) {
      await assertMatchesCpu(
        (x, y) => tf.matMul(x, y, false, transposeB),
        [input(aShape, 1), input(bShape, 2)],
        true,
        `${aShape.join('×')} · ${bShape.join('×')}`,
      );
    }
  });

  // Forward only: tfjs's gradient does not sum a broadcast operand's gradient back to its shape.
  it('batched products with one matrix broadcast over the batch match cpu', async () => {
    for (const [aShape, bShape] of [
      [
        [3, 4, 5],
        [1, 5, 2],
      ],
      [
        [1, 4, 5],
        [3, 5, 2],
      ],
      [
        [3, 4, 5],
        [5, 2],
      ],
    ]) {
      await assertMatchesCpu(
        (x, y) => tf.matMul(x, y),
        [input(aShape ?? [], 1), input(bShape ?? [], 2)],
        false,
        `${aShape?.join('×')} · ${bShape?.join('×')}`,
      );
    }
  });

  it('a product of 3·10⁷ FLOPs and more (both threads) matches cpu', async () => {
    await assertMatchesCpu(
      (x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, false, true),
      [input([256, 300], 3), input([256, 300], 4)],
      false,
      '256×300×256',
    );
  });

  it('fused matMul with a bias and each activation matches cpu', async () => {
    for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid'] as const) {
      const f = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
        tf.fused.matMul({ a, b, bias, activation, leakyreluAlpha: 0.1, transposeB: true });
      const a = input([6, 9], 5);
      // Scaled up so that relu6 clips and sigmoid saturates somewhere.
      a.data = a.data.map((value) => value * 16);
      // A fused op with an activation records unfused ops for its gradient; linear records the fused one.
      await assertMatchesCpu(f, [a, input([4, 9], 6), input([4], 7)], activation === 'linear', activation);
    }
  });

  it('leaves a fused matMul with PReLU to the wasm kernel, which matches cpu', async () => {
    const before = calls;
    const f = (a: tf.Tensor, b: tf.Tensor, alpha: tf.Tensor) =>
      tf.fused.matMul({ a, b, activation: 'prelu', preluActivationWeights: alpha });
    const inputs = [input([3, 4], 1), input([4, 5], 2), input([5], 3)];
    const forward = relativeDifference(await forwardOn('wasm', f, inputs), await forwardOn('cpu', f, inputs));
    assert.ok(forward < TOLERANCE, `relative difference ${forward}`);
    assert.equal(calls, before, 'the native product ran for PReLU');
  });

  it('checks array lengths and the batch against the shape before reading them', () => {
    if (!('addon' in found)) return;
    const shape = Int32Array.from([2, 1, 2, 3, 4, 5, 0, 0]);
    const ok = (size: number) => new Float32Array(size);
    assert.throws(() => found.addon.matMul(shape, ok(29), ok(20), ok(24), null, 0, 0), /a holds 29 values/);
    assert.throws(() => found.addon.matMul(shape, ok(30), ok(20), ok(23), null, 0, 0), /out holds 23 values/);
    assert.throws(() => found.addon.matMul(shape, ok(30), ok(20), ok(24), ok(3), 0, 0), /bias holds 3 values/);
    const badBatch = Int32Array.from([2, 3, 3, 3, 4, 5, 0, 0]);
    assert.throws(() => found.addon.matMul(badBatch, ok(30), ok(60), ok(36), null, 0, 0), /multiple of both/);
  });

  it('puts the wasm kernels back when taken out, and in again', async () => {
    if (!('addon' in found)) return;
    const nativeKernel = findWasmKernel('BatchMatMul')?.kernelFunc;
    unregisterNativeKernels();
    const wasmKernel = findWasmKernel('BatchMatMul')?.kernelFunc;
    assert.ok(wasmKernel !== undefined && wasmKernel !== nativeKernel);
    const before = calls;
    await forwardOn('wasm', (x, y) => tf.matMul(x, y, true, false), [input([4, 3], 1), input([4, 2], 2)]);
    assert.equal(calls, before, 'a native kernel ran after being taken out');
    await useNativeKernels(counting(found.addon));
    assert.notEqual(findWasmKernel('BatchMatMul')?.kernelFunc, wasmKernel);
  });
});
