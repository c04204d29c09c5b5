// The memory-lean training step on the real wasm backend: the model run layer by layer with each
// output freed after its last use (releasingModel.ts), and the backward pass that frees each
// node's gradients and saved tensors once done (leanGradients.ts). They must give tf.variableGrads'
// gradients bit for bit, leave no tensor behind, and lower the step's peak.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  add,
  customGrad,
  memory,
  mean,
  mul,
  profile,
  square,
  sum,
  tensor,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import type { GradSaveFunc, NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Architecture } from '../../../../src/shared/experiment/schema';
import type { ImageShape } from '../../../../src/trainer/data/dataset';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { leanVariableGrads } from '../../../../src/trainer/training/leanGradients';
import { releasingStepModel } from '../../../../src/trainer/training/releasingModel';
import { maxDifference } from '../../../support/dataHelpers';
import { nativeAddonOrReason, useNativeKernels } from '../../../support/nativeTestSetup';
import { skipIfMissing } from '../../../support/prerequisites';
import { useWasm } from '../../../support/wasmTestSetup';

before(useWasm);

type GradientsOf = (f: () => Scalar, variables: Variable[]) => { value: Scalar; grads: NamedTensorMap };

interface Computed {
  loss: number;
  grads: Map<string, Float32Array>;
  peakBytes: number;
  tensorsLeft: number;
}

async function compute(gradientsOf: GradientsOf, f: () => Scalar, variables: Variable[]): Promise<Computed> {
  const tensorsBefore = memory().numTensors;
  const grads = new Map<string, Float32Array>();
  let loss = Number.NaN;
  const profiled = await profile(() => {
    const result = gradientsOf(f, variables);
    loss = result.value.dataSync()[0] ?? Number.NaN;
    for (const [name, gradient] of Object.entries(result.grads))
      grads.set(name, Float32Array.from(gradient.dataSync()));
    result.value.dispose();
    Object.values(result.grads).forEach((gradient) => gradient.dispose());
  });
  return { loss, grads, peakBytes: profiled.peakBytes, tensorsLeft: memory().numTensors - tensorsBefore };
}

function assertSameGradients(expected: Computed, actual: Computed): void {
  assert.equal(actual.loss, expected.loss);
  assert.deepEqual([...actual.grads.keys()], [...expected.grads.keys()]);
  for (const [name, gradient] of expected.grads) {
    const difference = maxDifference(gradient, actual.grads.get(name) ?? new Float32Array());
    assert.equal(difference, 0, `${name} differs by ${difference}`);
  }
  assert.ok(
    [...expected.grads.values()].some((gradient) => gradient.some((value) => value !== 0)),
    'all gradients are zero: the comparison compares nothing',
  );
}

/** Within `tolerance` of the largest gradient value, weight by weight. */
function assertCloseGradients(expected: Computed, actual: Computed, tolerance: number): void {
  for (const [name, gradient] of expected.grads) {
    const scale = gradient.reduce((largest, value) => Math.max(largest, Math.abs(value)), 1e-12);
    const difference = maxDifference(gradient, actual.grads.get(name) ?? new Float32Array());
    assert.ok(difference <= tolerance * scale, `${name} differs by ${difference} (largest value ${scale})`);
  }
}

function imagesOf(count: number, shape: ImageShape): Tensor {
  const size = count * shape.reduce((product, extent) => product * extent, 1);
  return tensor(
    Float32Array.from({ length: size }, (_, index) => Math.sin(index * 0.37)),
    [count, ...shape],
  );
}

/** tf.variableGrads on tfjs-layers' executor, tf.variableGrads on the releasing run, and the lean step on it. */
async function compareOnModel(architecture: Architecture, shape: ImageShape, dropout: number): Promise<Computed[]> {
  const { model } = buildClassifier(architecture, shape, 3, dropout, new SeededRandom(11));
  const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
  const images = imagesOf(4, shape);
  const targets = tensor(
    [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2].map((label) => label / 2),
    [4, 3],
  );
  const lossOf = (output: Tensor): Scalar => mean(square(add(output, mul(targets, -1)))) as Scalar;
  const plain = await compute(
    variableGrads,
    () => lossOf(model.apply(images, { training: true }) as Tensor),
    variables,
  );
  const releasing = releasingStepModel(model);
  assert.notEqual(releasing, model, `${architecture}: the graph was not flattened, the test would compare nothing`);
  // The releasing run may compute a padding and its convolution as one padded convolution
  // (convolutionChains.ts): the same sums, in another kernel's order. tf.variableGrads on it is
  // the reference the lean pass must match bit for bit; the executor's run is the peak to beat.
  const reference = await compute(
    variableGrads,
    () => lossOf(releasing.apply(images, { training: true }) as Tensor),
    variables,
  );
  const lean = await compute(
    (f, vars) => leanVariableGrads(f, vars),
    () => lossOf(releasing.apply(images, { training: true }) as Tensor),
    variables,
  );
  images.dispose();
  targets.dispose();
  model.dispose();
  return [plain, reference, lean];
}

describe('the memory-lean training step', () => {
  for (const [architecture, shape] of [
    ['seed-cnn', [20, 20, 1]],
    ['resnet-small', [16, 16, 3]],
    ['mobilenet-small', [16, 16, 3]],
  ] as const) {
    it(`${architecture}: the same gradients bit for bit, no tensor left, a lower peak`, async () => {
      // Dropout 0 makes the dropout layer hand back its input: the releasing run must not free it.
      const [plain, reference, lean] = await compareOnModel(architecture, [...shape], 0);
      if (!plain || !reference || !lean) throw new Error('nothing computed');
      assertSameGradients(plain, reference);
      assertSameGradients(reference, lean);
      assert.equal(plain.tensorsLeft, 0);
      assert.equal(lean.tensorsLeft, 0);
      assert.ok(
        lean.peakBytes < plain.peakBytes * 0.8,
        `peak ${(lean.peakBytes / 2 ** 20).toFixed(2)} MiB vs tf.variableGrads ${(plain.peakBytes / 2 ** 20).toFixed(2)} MiB`,
      );
    });
  }

  it('accumulates an input used twice by one node, and a gradient function that hands back dy for two inputs', async () => {
    const weights = variable(tensor([0.5, -1.5, 2]), true, 'leanStepWeights');
    const passThrough = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
      const [a, b] = args as [Tensor, Tensor];
      // The same tensor, dy itself, for both inputs: the lean pass must give each its own handle.
      return { value: add(a, b), gradFunc: (dy: Tensor) => [dy, dy] };
    });
    const f = (): Scalar => sum(mul(passThrough(weights, square(weights)), mul(weights, weights))) as Scalar;
    const plain = await compute(variableGrads, f, [weights]);
    const lean = await compute((g, vars) => leanVariableGrads(g, vars), f, [weights]);
    assertSameGradients(plain, lean);
    assert.equal(lean.tensorsLeft, 0);
    weights.dispose();
  });

  it('falls back to tf.variableGrads inside another gradient computation', async () => {
    const weights = variable(tensor([1, 2]), true, 'leanStepNested');
    const nested = await compute(
      (f, vars) => variableGrads(() => leanVariableGrads(f, vars).value, vars),
      () => sum(square(weights)) as Scalar,
      [weights],
    );
    assert.deepEqual([...(nested.grads.get('leanStepNested') ?? [])], [2, 4]);
    weights.dispose();
  });
});

const found = nativeAddonOrReason();

describe(
  'the memory-lean training step on the native kernels',
  { skip: skipIfMissing('reason' in found ? found.reason : false) },
  () => {
    before(async () => {
      if ('addon' in found) await useNativeKernels(found.addon);
    });

    // Batch norm's native kernel has three outputs (two without a gradient), ReLU6 saves its output.
    for (const architecture of ['resnet18', 'mobilenetv2'] as const) {
      it(`${architecture} at 32×32×3: the same gradients bit for bit, no tensor left, a lower peak`, async () => {
        const [plain, reference, lean] = await compareOnModel(architecture, [32, 32, 3], 0);
        if (!plain || !reference || !lean) throw new Error('nothing computed');
        assertSameGradients(reference, lean);
        assertCloseGradients(plain, lean, 1e-4);
        assert.equal(lean.tensorsLeft, 0);
        assert.ok(lean.peakBytes < plain.peakBytes * 0.8, `peak ${lean.peakBytes} vs ${plain.peakBytes}`);
      });
    }
  },
);
