// Adam's, momentum SGD's and RMSProp's update of one variable (training/fusedAdam.ts,
// fusedMomentum.ts, fusedRmsProp.ts) on the wasm backend, run by the native addon in one pass over
// the wasm heap, bit for bit tfjs's.
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_UPDATE } from '../../training/fusedAdam';
import type { AdamUpdateAttrs } from '../../training/fusedAdam';
import { MOMENTUM_UPDATE } from '../../training/fusedMomentum';
import type { MomentumUpdateAttrs } from '../../training/fusedMomentum';
import { RMSPROP_UPDATE } from '../../training/fusedRmsProp';
import type { RmsPropUpdateAttrs } from '../../training/fusedRmsProp';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';

export const NATIVE_OPTIMIZER_KERNEL_NAMES: readonly string[] = [ADAM_UPDATE, MOMENTUM_UPDATE, RMSPROP_UPDATE];

/** The attributes, each checked to have its type in `types`. */
function checkedAttrs<T>(kernelName: string, attrs: unknown, types: Record<string, 'number' | 'boolean'>): T {
  const given = (attrs ?? {}) as Partial<Record<string, unknown>>;
  const bad = Object.entries(types).filter(([name, type]) => typeof given[name] !== type);
  if (bad.length > 0) {
    throw new Error(`${kernelName}: ${bad.map(([name, type]) => `${name} must be a ${type}`).join(', ')}.`);
  }
  return given as T;
}

/** The named inputs: float32, all of one shape. */
function floatInputs(kernelName: string, inputs: NamedTensorInfoMap, names: readonly string[]): TensorInfo[] {
  const infos = names.map((name) => inputs[name]);
  const [first] = infos;
  if (first === undefined || infos.some((info) => info === undefined || info.dtype !== 'float32')) {
    throw new Error(`${kernelName} (MedTransfer native kernel): needs float32 ${names.join(', ')}.`);
  }
  const present = infos as TensorInfo[];
  if (present.some((info) => info.shape.join() !== first.shape.join())) {
    throw new Error(`${kernelName} (MedTransfer native kernel): ${names.join(', ')} differ in shape.`);
  }
  return present;
}

/**
 * Makes `outputs` tensors of the inputs' shape on the wasm heap, then runs `update` on views of the
 * inputs and outputs made after that (a growing heap replaces the buffer older views see).
 */
function elementwiseUpdate(
  kernelName: string,
  inputNames: readonly string[],
  outputs: number,
  update: (count: number, attrs: unknown, inputs: Float32Array[], outputs: Float32Array[]) => void,
): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const infos = floatInputs(kernelName, inputs, inputNames);
    const shape = [...(infos[0]?.shape ?? [])];
    const wasm = wasmHeapBackend(kernelName, backend);
    const made = Array.from({ length: outputs }, () => wasm.makeOutput(shape, 'float32'));
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    const count = shape.reduce((product, extent) => product * extent, 1);
    update(count, attrs, infos.map(view), made.map(view));
    return made;
  };
}

function adamUpdate(addon: NativeAddon): KernelFunc {
  const types = {
    beta1: 'number',
    beta2: 'number',
    epsilon: 'number',
    learningRate: 'number',
    biasCorrection1: 'number',
    biasCorrection2: 'number',
  } as const;
  return elementwiseUpdate(ADAM_UPDATE, ['value', 'm', 'v', 'gradient'], 3, (count, attrs, inputs, outputs) => {
    const a = checkedAttrs<AdamUpdateAttrs>(ADAM_UPDATE, attrs, types);
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
    const [value, m, v, gradient] = inputs as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [newValue, newM, newV] = outputs as [Float32Array, Float32Array, Float32Array];
    addon.adamUpdate(count, constants, value, m, v, gradient, newValue, newM, newV);
  });
}

function momentumUpdate(addon: NativeAddon): KernelFunc {
  const inputNames = ['value', 'accumulation', 'gradient'];
  const types = { momentum: 'number', negativeLearningRate: 'number', useNesterov: 'boolean' } as const;
  return elementwiseUpdate(MOMENTUM_UPDATE, inputNames, 2, (count, attrs, inputs, outputs) => {
    const a = checkedAttrs<MomentumUpdateAttrs>(MOMENTUM_UPDATE, attrs, types);
    const [value, accumulation, gradient] = inputs as [Float32Array, Float32Array, Float32Array];
    const [newValue, newAccumulation] = outputs as [Float32Array, Float32Array];
    const constants = Float32Array.of(a.momentum, a.negativeLearningRate);
    addon.momentumUpdate(count, constants, a.useNesterov, value, accumulation, gradient, newValue, newAccumulation);
  });
}

function rmsPropUpdate(addon: NativeAddon): KernelFunc {
  const inputNames = ['value', 'meanSquare', 'moment', 'gradient'];
  const types = { decay: 'number', momentum: 'number', learningRate: 'number', epsilon: 'number' } as const;
  return elementwiseUpdate(RMSPROP_UPDATE, inputNames, 3, (count, attrs, inputs, outputs) => {
    const a = checkedAttrs<RmsPropUpdateAttrs>(RMSPROP_UPDATE, attrs, types);
    // As tfjs's scalars: 1 − decay computed in double, each rounded to float32.
    const constants = Float32Array.of(a.decay, 1 - a.decay, a.momentum, a.learningRate, a.epsilon);
    const [value, meanSquare, moment, gradient] = inputs as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [newValue, newMeanSquare, newMoment] = outputs as [Float32Array, Float32Array, Float32Array];
    addon.rmsPropUpdate(count, constants, value, meanSquare, moment, gradient, newValue, newMeanSquare, newMoment);
  });
}

export function nativeOptimizerKernelConfig(kernelName: string, addon: NativeAddon): KernelConfig {
  if (kernelName === ADAM_UPDATE) return { kernelName, backendName: 'wasm', kernelFunc: adamUpdate(addon) };
  if (kernelName === MOMENTUM_UPDATE) return { kernelName, backendName: 'wasm', kernelFunc: momentumUpdate(addon) };
  if (kernelName === RMSPROP_UPDATE) return { kernelName, backendName: 'wasm', kernelFunc: rmsPropUpdate(addon) };
  throw new Error(`${kernelName}: no MedTransfer native kernel.`);
}
