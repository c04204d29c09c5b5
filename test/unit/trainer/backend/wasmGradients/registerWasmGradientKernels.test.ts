// Registration: what is added, what is replaced, that a second call changes nothing, and that a
// kernel the wasm backend already has is left alone. Its own process (node --test runs each file
// apart), so the kernel registry starts as tfjs-backend-wasm left it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {
  findWasmKernel,
  registerWasmGradientKernels,
} from '../../../../../src/trainer/backend/wasmGradients/registerWasmGradientKernels';

describe('registerWasmGradientKernels', () => {
  it('adds the missing kernels, replaces the slow ones, keeps a native kernel, and is idempotent', () => {
    const missingBefore = [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ];
    for (const name of missingBefore)
      assert.equal(findWasmKernel(name), undefined, `${name} should be missing from tfjs-backend-wasm 4.22`);
    // Stands in for a future tfjs-backend-wasm that ships its own UnsortedSegmentSum.
    const native: tf.KernelFunc = () => {
      throw new Error('native');
    };
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: native });
    const builtInMaxPoolGrad = findWasmKernel('MaxPoolGrad');

    const first = registerWasmGradientKernels();
    assert.deepEqual(first.added, missingBefore);
    assert.deepEqual(first.replaced, [
      'Conv2DBackpropInput',
      'MaxPoolGrad',
      'BatchMatMul',
      'Tile',
      'Slice',
      'Identity',
      'DepthToSpace',
      'Minimum',
      'Maximum',
      'Greater',
      'GreaterEqual',
      'Less',
      'LessEqual',
    ]);
    assert.equal(findWasmKernel('UnsortedSegmentSum')?.kernelFunc, native, 'a kernel wasm has is not replaced');
    const ourMaxPoolGrad = findWasmKernel('MaxPoolGrad');
    assert.notEqual(ourMaxPoolGrad?.kernelFunc, builtInMaxPoolGrad?.kernelFunc);
    assert.equal(
      ourMaxPoolGrad?.setupFunc,
      builtInMaxPoolGrad?.setupFunc,
      'the built-in setup is kept for the fallback',
    );

    const second = registerWasmGradientKernels();
    assert.deepEqual(second, { added: [], replaced: [] });
    assert.equal(findWasmKernel('MaxPoolGrad')?.kernelFunc, ourMaxPoolGrad?.kernelFunc);
  });
});
