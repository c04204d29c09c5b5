// Adam's update of one variable (training/fusedAdam.ts) on the wasm backend, run by the native
// addon in one pass over the wasm heap (both cores for large variables), bit for bit tfjs's.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_UPDATE } from '../../training/fusedAdam';
import type { AdamUpdateAttrs } from '../../training/fusedAdam';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';

export const NATIVE_OPTIMIZER_KERNEL_NAMES: readonly string[] = [ADAM_UPDATE];

const ATTR_NAMES = ['beta1', 'beta2', 'epsilon', 'learningRate', 'biasCorrection1', 'biasCorrection2'] as const;

function adamAttrs(attrs: unknown): AdamUpdateAttrs {
  const given = (attrs ?? {}) as Partial<Record<string, unknown>>;
  const bad = ATTR_NAMES.filter((name) => typeof given[name] !== 'number');
  if (bad.length > 0) throw new Error(`${ADAM_UPDATE}: ${bad.join(', ')} must be numbers.`);
  return given as AdamUpdateAttrs;
}

function floatInputs(infos: Array<TensorInfo | undefined>): TensorInfo[] {
  const [first] = infos;
  if (first === undefined || infos.some((info) => info === undefined || info.dtype !== 'float32')) {
    throw new Error(`${ADAM_UPDATE} (MedTransfer native kernel): needs float32 value, m, v and gradient.`);
  }
  const present = infos as TensorInfo[];
  if (present.some((info) => info.shape.join() !== first.shape.join())) {
    throw new Error(`${ADAM_UPDATE} (MedTransfer native kernel): value, m, v and gradient differ in shape.`);
  }
  return present;
}

function adamUpdate(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const [value, m, v, gradient] = floatInputs([inputs['value'], inputs['m'], inputs['v'], inputs['gradient']]) as [
      TensorInfo,
      TensorInfo,
      TensorInfo,
      TensorInfo,
    ];
    const a = adamAttrs(attrs);
    // tfjs's scalars: each JS number (1 − β computed in double, as tfjs's `1 - this.beta1`) rounded to float32.
    const constants = Float32Array.of(
      a.beta1,
      a.beta2,
      1 - a.beta1,
      1 - a.beta2,
      a.epsilon,
      -a.learningRate,
      a.biasCorrection1,
      a.biasCorrection2,
    );
    const wasm = wasmHeapBackend(ADAM_UPDATE, backend);
    const shape = [...value.shape];
    const outputs = [
      wasm.makeOutput(shape, 'float32'),
      wasm.makeOutput(shape, 'float32'),
      wasm.makeOutput(shape, 'float32'),
    ];
    // Views after all outputs are made: a growing heap replaces the buffer older views see.
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    const [newValue, newM, newV] = outputs.map(view) as [Float32Array, Float32Array, Float32Array];
    const count = shape.reduce((product, extent) => product * extent, 1);
    addon.adamUpdate(count, constants, view(value), view(m), view(v), view(gradient), newValue, newM, newV);
    return outputs;
  };
}

export function nativeOptimizerKernelConfig(kernelName: string, addon: NativeAddon): KernelConfig {
  if (kernelName === ADAM_UPDATE) return { kernelName, backendName: 'wasm', kernelFunc: adamUpdate(addon) };
  throw new Error(`${kernelName}: no MedTransfer native kernel.`);
}
