// Shared by the wasm kernel tests: starts the real wasm backend with our kernels, and compares
// gradients computed on wasm with the cpu backend's (the reference: plain JavaScript loops).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers does this import for the trainer; bare tfjs-core tests need it for tf.grads.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { resolveWasmDir } from '../../src/trainer/backend/wasmDir';
import { registerWasmGradientKernels } from '../../src/trainer/backend/wasmGradients/registerWasmGradientKernels';

let started: Promise<void> | undefined;

/** Registers our kernels and makes wasm the current backend (once per test process). */
export function useWasm(): Promise<void> {
  started ??= (async () => {
    setWasmPaths(resolveWasmDir());
    registerWasmGradientKernels();
    // Makes the engine check every kernel for leaked data ids (tfjs-core engine.ts).
    tf.env().set('IS_TEST', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start');
  })();
  return started;
}

/** Deterministic values in [-0.5, 0.5). */
export function values(size: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

export interface InputSpec {
  shape: number[];
  data: Float32Array;
}

export function input(shape: number[], seed: number): InputSpec {
  return {
    shape,
    data: values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
  };
}

/**
 * Gradients of Σ f(inputs)·w (w fixed random weights, so every output element matters) with
 * respect to every input, on one backend, as plain arrays. Leaves the backend current.
 */
export async function gradientsOn(
  backend: 'cpu' | 'wasm' | 'webgpu',
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: InputSpec[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((spec) => tf.tensor(spec.data, spec.shape));
    const probe = f(...xs);
    const weights = tf.tensor(values(probe.size, 99), probe.shape);
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), weights)))(xs);
    return grads.map((g) => g.dataSync() as Float32Array);
  });
}

/** max |a − b| / max(1, max |b|): a relative error that is not fooled by tiny gradients. */
export function relativeDifference(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

/** Compares wasm's gradients with cpu's; returns the worst relative difference. */
export async function compareWithCpu(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: InputSpec[]): Promise<number> {
  const expected = await gradientsOn('cpu', f, inputs);
  const actual = await gradientsOn('wasm', f, inputs);
  return Math.max(...actual.map((grad, i) => relativeDifference(grad, expected[i] ?? new Float32Array())));
}

/**
 * The largest difference of any gradient value over the largest gradient value of the model. Per
 * weight relative errors would fail on gradients that are zero but for rounding: a batch norm's
 * beta before another batch norm (MobileNetV2's projections) has none, as the next one removes
 * any shift.
 */
export function worstDifference(actual: Float32Array[], expected: Float32Array[]): number {
  let scale = 0;
  for (const grad of expected) for (const value of grad) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  actual.forEach((grad, i) => {
    const reference = expected[i];
    if (reference === undefined || reference.length !== grad.length) {
      worst = Number.POSITIVE_INFINITY;
      return;
    }
    for (let j = 0; j < grad.length; j++)
      worst = Math.max(worst, Math.abs((grad[j] as number) - (reference[j] as number)));
  });
  return worst / Math.max(scale, Number.MIN_VALUE);
}
