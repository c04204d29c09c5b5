// The native pooling kernels on the wasm backend against the cpu backend: max and average pooling
// forward and their gradients over window sizes (square and not), strides (unequal too), 'same',
// 'valid' and numeric padding, odd sizes and rounding modes; ties (values on a coarse grid, and
// all equal) must send each window's gradient to the input cpu sends it to; a batch of 4 Mi values
// (split between the threads) gives what one image at a time gives; no tensor leaked; the kernels
// must have run, and taken out (`backend: wasm`) they no longer do.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { findWasmKernel } from '../../../../../src/trainer/backend/wasmGradients/registerWasmGradientKernels';
import { skipIfMissing } from '../../../../support/prerequisites';
import type { KernelCalls } from '../../../../support/nativeTestSetup';
import { countingAddon, nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { compareWithCpu, gradientsOn, input, relativeDifference } from '../../../../support/wasmTestSetup';
import type { InputSpec } from '../../../../support/wasmTestSetup';

const TOLERANCE = 1e-5;
const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

const maxCalls: KernelCalls = { forward: 0, backward: 0 };
const avgCalls: KernelCalls = { forward: 0, backward: 0 };
function counting(addon: NativeAddon): NativeAddon {
  const max = countingAddon(addon, { forward: 'maxPool', backward: 'maxPoolGrad' }, maxCalls);
  return countingAddon(max, { forward: 'avgPool', backward: 'avgPoolGrad' }, avgCalls);
}

type Pad = 'same' | 'valid' | number;
type Pair = number | [number, number];
type Kind = 'max' | 'avg';

function pool(kind: Kind, filter: Pair, stride: Pair, pad: Pad, rounding?: 'floor' | 'round' | 'ceil') {
  return (x: tf.Tensor) =>
    kind === 'max'
      ? tf.maxPool(x as tf.Tensor4D, filter, stride, pad, rounding)
      : tf.avgPool(x as tf.Tensor4D, filter, stride, pad, rounding);
}

/** Values on a coarse grid (steps of 1/4 in [-0.5, 0.5]): most windows hold their maximum twice or more. */
function withTies(spec: InputSpec): InputSpec {
  return { shape: spec.shape, data: spec.data.map((value) => Math.round(value * 4) / 4) };
}

async function forwardOn(backend: 'cpu' | 'wasm', f: (x: tf.Tensor) => tf.Tensor, spec: InputSpec) {
  await tf.setBackend(backend);
  return tf.tidy(() => f(tf.tensor(spec.data, spec.shape)).dataSync() as Float32Array);
}

/** Forward (and gradient) on native wasm against cpu; the native kernels must have run. */
async function assertMatchesCpu(
  kind: Kind,
  f: (x: tf.Tensor) => tf.Tensor,
  spec: InputSpec,
  gradient: boolean,
  label: string,
): Promise<void> {
  const calls = kind === 'max' ? maxCalls : avgCalls;
  const before = { ...calls };
  const tensorsBefore = tf.memory().numTensors;
  const forward = relativeDifference(await forwardOn('wasm', f, spec), await forwardOn('cpu', f, spec));
  assert.ok(forward < TOLERANCE, `${label}: forward relative difference ${forward}`);
  if (gradient) {
    const difference = await compareWithCpu(f, [spec]);
    assert.ok(difference < TOLERANCE, `${label}: gradient relative difference ${difference}`);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, `${label}: tensors leaked`);
  assert.ok(calls.forward > before.forward, `${label}: the native forward did not run`);
  if (gradient) assert.ok(calls.backward > before.backward, `${label}: the native gradient did not run`);
}

// [batch, height, width, channels]: odd and even sizes, one channel and many.
const SHAPES: Array<[number, number, number, number]> = [
  [2, 9, 8, 3],
  [1, 13, 7, 16],
  [3, 6, 11, 1],
];
const PADS: Pad[] = ['same', 'valid', 1];

describe('native pooling kernels on wasm', { skip }, () => {
  before(async () => {
    if ('addon' in found) await useNativeKernels(counting(found.addon));
  });

  for (const kind of ['max', 'avg'] as const) {
    for (const filter of [1, 2, 3, [2, 3]] as Pair[]) {
      for (const stride of [1, 2, [2, 1]] as Pair[]) {
        it(`${kind}Pool ${String(filter)}, stride ${String(stride)}: forward and gradient match cpu`, async () => {
          for (const pad of PADS) {
            // A numeric padding must leave every window some of the input (tfjs asserts it).
            if (typeof pad === 'number' && filter === 1) continue;
            for (const [index, shape] of SHAPES.entries()) {
              const spec = input(shape, index * 11 + 3);
              for (const [name, data] of [
                ['distinct', spec],
                ['ties', withTies(spec)],
              ] as const) {
                await assertMatchesCpu(
                  kind,
                  pool(kind, filter, stride, pad),
                  data,
                  true,
                  `${String(pad)}, ${shape.join('×')}, ${name}`,
                );
              }
            }
          }
        });
      }
    }

    it(`${kind}Pool with every input equal gives each window's gradient as cpu does`, async () => {
      const spec: InputSpec = { shape: [2, 7, 7, 4], data: new Float32Array(2 * 7 * 7 * 4).fill(0.25) };
      for (const pad of ['same', 'valid'] as const) {
        await assertMatchesCpu(kind, pool(kind, 3, 2, pad), spec, true, pad);
      }
    });

    // Forward only: tfjs's pooling gradients do not all take the rounding mode.
    it(`${kind}Pool with a numeric padding and each rounding mode matches cpu`, async () => {
      for (const rounding of ['floor', 'round', 'ceil'] as const) {
        await assertMatchesCpu(kind, pool(kind, 3, 2, 1, rounding), input([2, 8, 9, 3], 5), false, rounding);
      }
    });
  }

  it('splits a batch of 4 Mi values between threads with the results of one image at a time', () => {
    if (!('addon' in found)) return;
    const addon = found.addon;
    const [n, h, w, c] = [8, 96, 96, 64];
    const image = h * w * c;
    const outImage = 47 * 47 * c;
    // 3×3 windows, stride 2, no padding: 96 → 47.
    const shape = (batch: number) => Int32Array.from([batch, h, w, c, 47, 47, 3, 3, 2, 2, 0, 0]);
    const x = withTies(input([n, h, w, c], 7)).data;
    const dy = input([n, 47, 47, c], 8).data;
    const whole = {
      max: new Float32Array(n * outImage),
      maxGrad: new Float32Array(n * image),
      avg: new Float32Array(n * outImage),
      avgGrad: new Float32Array(n * image),
    };
    addon.maxPool(shape(n), x, whole.max);
    addon.maxPoolGrad(shape(n), x, dy, whole.maxGrad);
    addon.avgPool(shape(n), x, whole.avg);
    addon.avgPoolGrad(shape(n), dy, whole.avgGrad);
    for (let i = 0; i < n; i++) {
      const xi = x.subarray(i * image, (i + 1) * image);
      const dyi = dy.subarray(i * outImage, (i + 1) * outImage);
      const one = {
        max: new Float32Array(outImage),
        maxGrad: new Float32Array(image),
        avg: new Float32Array(outImage),
        avgGrad: new Float32Array(image),
      };
      addon.maxPool(shape(1), xi, one.max);
      addon.maxPoolGrad(shape(1), xi, dyi, one.maxGrad);
      addon.avgPool(shape(1), xi, one.avg);
      addon.avgPoolGrad(shape(1), dyi, one.avgGrad);
      for (const key of ['max', 'avg', 'maxGrad', 'avgGrad'] as const) {
        const size = key.endsWith('Grad') ? image : outImage;
        // Equal values (deepEqual over so many takes seconds).
        const part = whole[key].subarray(i * size, (i + 1) * size);
        assert.equal(relativeDifference(part, one[key]), 0, `${key}, image ${i}`);
      }
    }
  });

  it('checks array lengths against the shape before reading them', () => {
    if (!('addon' in found)) return;
    const shape = Int32Array.from([1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0]);
    const ok = (size: number) => new Float32Array(size);
    assert.throws(() => found.addon.maxPool(shape, ok(31), ok(8)), /x holds 31 values, the shape needs 32/);
    assert.throws(() => found.addon.maxPoolGrad(shape, ok(32), ok(7), ok(32)), /dy holds 7 values, the shape needs 8/);
    assert.throws(() => found.addon.avgPoolGrad(shape, ok(8), ok(30)), /dx holds 30 values, the shape needs 32/);
    assert.throws(() => found.addon.avgPool(shape.subarray(0, 11), ok(32), ok(8)), /shape holds 11 values/);
    const negative = Int32Array.from(shape);
    negative[10] = -1;
    assert.throws(() => found.addon.maxPool(negative, ok(32), ok(8)), /padding must be >= 0/);
  });

  it('puts the wasm kernels back when taken out, and in again', async () => {
    if (!('addon' in found)) return;
    const nativeKernel = findWasmKernel('MaxPool')?.kernelFunc;
    unregisterNativeKernels();
    const wasmKernel = findWasmKernel('MaxPool')?.kernelFunc;
    assert.ok(wasmKernel !== undefined && wasmKernel !== nativeKernel);
    const before = [{ ...maxCalls }, { ...avgCalls }];
    for (const kind of ['max', 'avg'] as const) {
      await gradientsOn('wasm', pool(kind, 2, 2, 'valid'), [input([1, 6, 6, 2], 1)]);
    }
    assert.deepEqual([maxCalls, avgCalls], before, 'a native kernel ran after being taken out');
    await useNativeKernels(counting(found.addon));
    assert.notEqual(findWasmKernel('MaxPool')?.kernelFunc, wasmKernel);
  });
});
