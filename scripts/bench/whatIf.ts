// Measures proposed changes to the wasm kernels before anyone makes them: each variant registers
// stand-in kernels over the trainer's (globally, like registerWasmGradientKernels does), and the
// variants take turns, round after round, timing the trainer's training step on each model.
// The stand-ins compose existing fast kernels; a real implementation (a kernel over the wasm
// heap, like wasmGradients/tile.ts) should be at least as fast.
//   node --import tsx scripts/bench/whatIf.ts [--models resnet-small,mobilenet-small] [--rounds 5] [--steps 8]
import {
  Cast,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,
  Maximum,
  Minimum,
  Slice,
  add,
  cast,
  getKernel,
  registerKernel,
  relu,
  reshape,
  scalar,
  slice,
  slice_util,
  step,
  sub,
  tidy,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SliceAttrs, Tensor, TensorInfo, Variable } from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import { buildClassifier } from '../../src/trainer/models/classifier';
import { LayerFactory } from '../../src/trainer/models/layerFactory';
import { SeededRandom } from '../../src/trainer/random';
import { BatchIterator } from '../../src/trainer/training/batches';
import { createOptimizer } from '../../src/trainer/training/optimizers';
import { selectModels } from './models';
import { collapseSlice } from '../../src/trainer/backend/wasmGradients/sliceCollapse';
import { median } from './stats';
import { syntheticSet } from './tfjsBench';
import { trainStep } from '../../src/trainer/training/trainStep';
import type { StepContext } from '../../src/trainer/training/trainStep';

const BACKEND = 'wasm';

function builtIn(name: string): KernelConfig {
  const config: KernelConfig | undefined = getKernel(name, BACKEND);
  if (config === undefined) throw new Error(`wasm has no ${name}`);
  return config;
}

/** Slice over collapsed axes (sliceCollapse.ts) where that brings the rank down to 4 or less. */
function sliceKernel(original: KernelConfig): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as Tensor;
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [begin_, size_] = slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    if (x.shape.length <= 4) return original.kernelFunc(args);
    const collapsed = collapseSlice({ shape: x.shape, begin: begin_, size: size_ });
    if (collapsed.shape.length > 4) return original.kernelFunc(args);
    return tidy(() => reshape(slice(reshape(x, collapsed.shape), collapsed.begin, collapsed.size), size_));
  };
}

type Compose = (a: Tensor, b: Tensor) => Tensor;

/**
 * tfjs-backend-wasm's Minimum/Maximum and comparisons are 13–40× slower than Multiply on the same
 * shape (1.4–4.6 ms for [64,16,16,32]; 31–39 ms with a [1,1,1,C] operand): relu6 in
 * tfjs-layers is minimum(6, relu(x)), and its gradient compares. Float inputs only.
 */
const COMPARE: Record<string, Compose> = {
  [Minimum]: (a, b) => sub(a, relu(sub(a, b))),
  [Maximum]: (a, b) => add(b, relu(sub(a, b))),
  [Greater]: (a, b) => cast(step(sub(a, b)), 'bool'),
  [Less]: (a, b) => cast(step(sub(b, a)), 'bool'),
  [LessEqual]: (a, b) => cast(sub(scalar(1), step(sub(a, b))), 'bool'),
  [GreaterEqual]: (a, b) => cast(sub(scalar(1), step(sub(b, a))), 'bool'),
};

function compareKernel(original: KernelConfig, compose: Compose): KernelFunc {
  return (args) => {
    const a = args.inputs['a'] as Tensor;
    const b = args.inputs['b'] as Tensor;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original.kernelFunc(args);
    return tidy(() => compose(a, b)) as TensorInfo;
  };
}

const VARIANTS = {
  trainer: "the trainer's kernels as registered today",
  'slice-collapse': 'Slice of rank > 4 over collapsed axes (pointwiseWindows: stride-2 1×1 filter gradients)',
  'fast-compare': 'Minimum/Maximum/comparisons from fast kernels (relu6 and its gradient)',
  both: 'slice-collapse + fast-compare',
  'both, no batch norm':
    'both, and the BatchNormalization layers left out: the most a fused batch-norm kernel could save',
} as const;
type Variant = keyof typeof VARIANTS;

/** The classifier with every batchNorm of LayerFactory made an identity (bench-only patch). */
function withoutBatchNorm<T>(build: () => T): T {
  const batchNorm = LayerFactory.prototype.batchNorm;
  LayerFactory.prototype.batchNorm = (input) => input;
  try {
    return build();
  } finally {
    LayerFactory.prototype.batchNorm = batchNorm;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'seed-cnn-32x32x3,resnet-small,mobilenet-small' },
      rounds: { type: 'string', default: '5' },
      steps: { type: 'string', default: '8' },
    },
  });
  await selectBackend(BACKEND, { log: () => undefined });
  // Cast is only used to look it up once the backend is on; keeps the import honest.
  builtIn(Cast);
  const originals = new Map<string, KernelConfig>(
    [Slice, ...Object.keys(COMPARE)].map((name) => [name, builtIn(name)]),
  );
  const replacements = new Map<string, KernelConfig>();
  const slicer = originals.get(Slice) as KernelConfig;
  replacements.set(Slice, { ...slicer, kernelFunc: sliceKernel(slicer) });
  for (const [name, compose] of Object.entries(COMPARE)) {
    const original = originals.get(name) as KernelConfig;
    replacements.set(name, { ...original, kernelFunc: compareKernel(original, compose) });
  }
  const use = (name: string, replace: boolean) => {
    unregisterKernel(name, BACKEND);
    registerKernel((replace ? replacements.get(name) : originals.get(name)) as KernelConfig);
  };
  const install = (variant: Variant) => {
    use(Slice, variant === 'slice-collapse' || variant.startsWith('both'));
    for (const name of Object.keys(COMPARE)) use(name, variant === 'fast-compare' || variant.startsWith('both'));
  };

  const rounds = Number(values.rounds);
  const steps = Number(values.steps);
  for (const model of selectModels(values.models.split(','))) {
    const contextFor = (build: () => ReturnType<typeof buildClassifier>): StepContext => {
      const { model: classifier } = build();
      return {
        model: classifier,
        shape: model.inputShape,
        variables: classifier.trainableWeights.map((weight) => weight.read() as Variable),
        classCount: 10,
        classWeights: null,
        optimizer: createOptimizer('adam', 1e-3),
      };
    };
    const build = () => buildClassifier(model.architecture, model.inputShape, 10, 0.3, new SeededRandom(1));
    const context = contextFor(build);
    // seed-cnn has no batch norm: nothing to leave out.
    const noBatchNorm = model.architecture === 'seed-cnn' ? null : contextFor(() => withoutBatchNorm(build));
    const contextOf = (variant: Variant) => (variant === 'both, no batch norm' ? noBatchNorm : context);
    const batch = new BatchIterator(syntheticSet(model, 64, 10, 2), 64).epoch(null).next();
    if (batch.done) throw new Error('empty batch');
    const variants = (Object.keys(VARIANTS) as Variant[]).filter((variant) => contextOf(variant) !== null);
    const rates = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));
    for (const variant of variants) {
      install(variant);
      const own = contextOf(variant) as StepContext;
      trainStep(own, batch.value);
      trainStep(own, batch.value);
    }
    for (let round = 0; round < rounds; round++) {
      for (const [variant, list] of rates) {
        install(variant);
        const own = contextOf(variant) as StepContext;
        const started = performance.now();
        for (let i = 0; i < steps; i++) trainStep(own, batch.value);
        list.push((steps * 64) / ((performance.now() - started) / 1000));
      }
    }
    install('trainer');
    const base = median(rates.get('trainer') ?? []);
    console.log(`${model.id}:`);
    for (const [variant, list] of rates) {
      const rate = median(list);
      console.log(
        `  ${rate.toFixed(0).padStart(6)} images/s  ×${(rate / base).toFixed(2)}  ${variant.padEnd(15)} ${VARIANTS[variant]}`,
      );
    }
  }
}

void main();
