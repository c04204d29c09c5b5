// Self time per kernel of a backend. tf.profile's kernelTimeMs counts a kernel that runs other
// kernels (our wasm gradient kernels do: transposes, convs, matMuls) together with them, so its
// list double-counts; wrapping every registered kernel with a timer that knows its nesting gives
// each kernel's own time, and their sum against the step's wall time shows what is left for
// JavaScript (the gradient tape, tidy, tensor bookkeeping).
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelTime, StepProfile } from './results';

interface Accumulator {
  selfMs: number;
  calls: number;
}

/** The shape of a kernel's first input, to tell layers apart (`Conv2D [64,32,32,3]`). */
function firstInputShape(inputs: NamedTensorInfoMap): string {
  const first: TensorInfo | undefined = Object.values(inputs)[0];
  return first ? `[${first.shape.join(',')}]` : '';
}

/**
 * Runs `step` `repeats` times with every kernel of `backendName` timed, and returns the per-step
 * average. The original kernels are registered again afterwards.
 */
export function profileKernels(backendName: string, step: () => void, repeats: number, top = 12): StepProfile {
  const originals = getKernelsForBackend(backendName);
  const totals = new Map<string, Accumulator>();
  // Time spent in kernels nested inside the kernel now running, per nesting level.
  const childTime: number[] = [];
  const wrap = (config: KernelConfig): KernelConfig => {
    const inner = config.kernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      childTime.push(0);
      const started = performance.now();
      try {
        return inner(args);
      } finally {
        const elapsed = performance.now() - started;
        const children = childTime.pop() ?? 0;
        if (childTime.length > 0) childTime[childTime.length - 1] = (childTime[childTime.length - 1] ?? 0) + elapsed;
        const key = `${config.kernelName} ${firstInputShape(args.inputs)}`;
        const entry = totals.get(key) ?? { selfMs: 0, calls: 0 };
        entry.selfMs += elapsed - children;
        entry.calls++;
        totals.set(key, entry);
      }
    };
    return { ...config, kernelFunc };
  };
  const swap = (configs: readonly KernelConfig[]) => {
    for (const config of configs) {
      unregisterKernel(config.kernelName, backendName);
      registerKernel(config);
    }
  };
  swap(originals.map(wrap));
  let wallMs = 0;
  try {
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      step();
      wallMs += performance.now() - started;
    }
  } finally {
    swap(originals);
  }
  const perStep = [...totals].map(([name, entry]): KernelTime => ({
    name,
    selfMs: entry.selfMs / repeats,
    calls: entry.calls / repeats,
  }));
  perStep.sort((a, b) => b.selfMs - a.selfMs);
  return {
    stepMs: wallMs / repeats,
    kernelMs: perStep.reduce((total, kernel) => total + kernel.selfMs, 0),
    top: perStep.slice(0, top),
  };
}
