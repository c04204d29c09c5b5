// A faster Conv2DBackpropInput for the wasm backend. tfjs-backend-wasm 4.22 has one, but it is a
// plain C++ loop nest: 5–10× a forward conv of the same size, the slowest step of a CNN's
// backward pass (scripts/bench-kernels.ts). The input gradient is a transposed convolution: dy,
// spread out by the stride, convolved ('valid', stride 1) with the filter flipped in space and
// with in/out channels swapped. That runs on wasm's XNNPACK Conv2D. A stride above 1 (the same
// along both axes) runs as s² phase convolutions of dy in one (phaseInputGradient.ts); other
// strides spread dy out first. NCHW goes to the built-in kernel.
import { Conv2DBackpropInput, conv2d, reverse, tidy, transpose } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, Tensor4D } from '@tensorflow/tfjs-core';
import { convGeometry } from './convGeometry';
import { inputTensor, kernelBackend } from './kernelTensors';
import { fitSpatial, isZeroPadding } from './spatialFit';
import { phaseInputGradient, usesPhases } from './phaseInputGradient';
import { inputGradientEdges, stretchByStrides } from './windows';

/** Our NHWC kernel; `builtIn` (the backend's own kernel) handles what ours does not (NCHW). */
export function makeConv2DBackpropInputWasm(builtIn: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params;
    const wasm = kernelBackend(Conv2DBackpropInput, backend);
    // Filled by tfjs-core's conv2DBackpropInput op.
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW' && builtIn !== undefined) return builtIn.kernelFunc(params);
    return tidy(() => {
      const dy = inputTensor(Conv2DBackpropInput, inputs, 'dy', wasm) as Tensor4D;
      const filter = inputTensor(Conv2DBackpropInput, inputs, 'filter', wasm) as Tensor4D;
      const g = convGeometry(
        Conv2DBackpropInput,
        inputShape,
        filter.shape,
        { strides, pad, dataFormat, dimRoundingMode },
        false,
      );
      if (usesPhases(g)) return phaseInputGradient(dy, filter, g);
      const stretched = stretchByStrides(dy, g.strideHeight, g.strideWidth);
      const fitted = fitSpatial(stretched, inputGradientEdges(g, stretched.shape[1], stretched.shape[2]));
      const flipped = transpose(reverse(filter, [0, 1]), [0, 1, 3, 2]);
      return conv2d(fitted.tensor, flipped, 1, isZeroPadding(fitted.pad) ? 'valid' : fitted.pad);
    });
  };
}

/**
 * Replaces the built-in config, keeping its setupFunc (which binds the C++ function the NCHW
 * fallback calls) and disposeFunc.
 */
export function conv2DBackpropInputConfig(builtIn: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: makeConv2DBackpropInputWasm(builtIn),
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
