// Times a training step (forward + backward + SGD update) on the wasm backend in images/s, with
// MedTransfer's gradient kernels and with the alternatives they replaced, and lists the kernels
// that take the time. Run: npx tsx scripts/bench-kernels.ts [--steps 10] [--rounds 3]
// [--batch 64] [--model seed-cnn|mobilenet] [--variant NAME] [--profile]
// The variants take turns, round after round, and each reports its best and median round: on a
// shared 2-core machine other work can halve a single timing.
//
// seed-cnn (the TensorFlow CNN tutorial's): Conv2D 32 3×3 relu, MaxPool, Conv2D 64 3×3 relu,
// MaxPool, Conv2D 64 3×3 relu, Flatten, Dense 64 relu, Dense 10; input 32×32×3.
// mobilenet: stride-2 'same' convs, depthwise-separable blocks, batch norm, relu6, global
// average pooling (the shape of src/trainer/models/architectures/mobilenetSmall.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { resolveWasmDir } from '../src/trainer/backend/wasmDir';
import { conv2DBackpropFilterConfig } from '../src/trainer/backend/wasmGradients/conv2DBackpropFilter';
import {
  findWasmKernel,
  registerWasmGradientKernels,
} from '../src/trainer/backend/wasmGradients/registerWasmGradientKernels';

const VARIANTS = {
  ours: 'all MedTransfer kernels',
  'builtin-maxpool-grad': "ours, but wasm's own MaxPoolGrad",
  'builtin-matmul': "ours, but wasm's own BatchMatMul (slow with transposed operands)",
  'builtin-backprop-input': "ours, but wasm's own Conv2DBackpropInput",
  'builtin-tile': "ours, but wasm's own Tile (batch-norm gradients tile; mobilenet only)",
  'im2col-filter': 'ours, but the filter gradient by im2col (slices + concat) and one matMul',
  baseline: "only a per-tap-matMul filter gradient added, all else wasm's own (DESIGN.md's 130 images/s)",
} as const;
type Variant = keyof typeof VARIANTS;

function seedCnn(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 10 }));
  return model;
}

function mobilenet(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3] });
  const bnRelu6 = (x: tfl.SymbolicTensor) =>
    tfl.layers
      .activation({ activation: 'relu6' })
      .apply(tfl.layers.batchNormalization().apply(x)) as tfl.SymbolicTensor;
  let x = bnRelu6(
    tfl.layers
      .conv2d({ filters: 16, kernelSize: 3, padding: 'same', useBias: false })
      .apply(input) as tfl.SymbolicTensor,
  );
  for (const [filters, strides] of [
    [32, 2],
    [64, 1],
    [64, 2],
    [128, 1],
  ] as const) {
    x = bnRelu6(
      tfl.layers
        .depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false })
        .apply(x) as tfl.SymbolicTensor,
    );
    x = bnRelu6(tfl.layers.conv2d({ filters, kernelSize: 1, useBias: false }).apply(x) as tfl.SymbolicTensor);
  }
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ units: 10 }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

/** Conv2DBackpropFilter from slices of x, VALID padding and stride 1 only (enough for seed-cnn). */
function sliceFilterGrad(kind: 'per-tap' | 'im2col'): tf.KernelFunc {
  return ({ inputs, attrs }) =>
    tf.tidy(() => {
      const x = inputs['x'] as tf.Tensor4D;
      const dy = inputs['dy'] as tf.Tensor4D;
      const [kh, kw, ci, co] = (attrs as unknown as tf.Conv2DBackpropFilterAttrs).filterShape;
      const [n, oh, ow] = dy.shape;
      const rows = n * oh * ow;
      const dy2 = tf.reshape(dy, [rows, co]);
      const taps: tf.Tensor2D[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) taps.push(tf.reshape(tf.slice(x, [0, i, j, 0], [n, oh, ow, ci]), [rows, ci]));
      }
      if (kind === 'per-tap')
        return tf.reshape(tf.stack(taps.map((t) => tf.matMul(t, dy2, true, false))), [kh, kw, ci, co]);
      return tf.reshape(tf.transpose(tf.matMul(tf.transpose(dy2), tf.concat(taps, 1))), [kh, kw, ci, co]);
    });
}

function use(config: tf.KernelConfig): void {
  if (findWasmKernel(config.kernelName) !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}

function required(name: string): tf.KernelConfig {
  const config = findWasmKernel(name);
  if (config === undefined) throw new Error(`wasm has no ${name}`);
  return config;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      batch: { type: 'string', default: '64' },
      model: { type: 'string', default: 'seed-cnn' },
      variant: { type: 'string' },
      profile: { type: 'boolean', default: false },
    },
  });
  const steps = Number(values.steps);
  const rounds = Number(values.rounds);
  const batch = Number(values.batch);
  const makeModel = values.model === 'mobilenet' ? mobilenet : seedCnn;
  const variants = values.variant === undefined ? (Object.keys(VARIANTS) as Variant[]) : [values.variant as Variant];
  if (!variants.every((v) => v in VARIANTS))
    throw new Error(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}`);
  // The slice-based filter gradients handle only stride 1 and VALID padding (the seed CNN's);
  // the seed CNN has no batch norm, so Tile does not matter there.
  const skipped: Variant[] = values.model === 'mobilenet' ? ['im2col-filter', 'baseline'] : ['builtin-tile'];
  if (values.variant === undefined)
    variants.splice(0, variants.length, ...variants.filter((v) => !skipped.includes(v)));

  // wasm's own kernels, before ours replace them.
  setWasmPaths(resolveWasmDir());
  const builtIn = {
    input: required('Conv2DBackpropInput'),
    maxPool: required('MaxPoolGrad'),
    matMul: required('BatchMatMul'),
    tile: required('Tile'),
  };
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
  const ours = {
    input: required('Conv2DBackpropInput'),
    maxPool: required('MaxPoolGrad'),
    matMul: required('BatchMatMul'),
    tile: required('Tile'),
  };
  console.log(
    `${values.model}, wasm SIMD ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}, batch ${batch}, ` +
      `${rounds} rounds of ${steps} steps per variant`,
  );

  const x = tf.randomNormal([batch, 32, 32, 3]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const install = (variant: Variant): void => {
    [ours.input, ours.maxPool, ours.matMul, ours.tile, conv2DBackpropFilterConfig].forEach(use);
    if (variant === 'builtin-tile' || variant === 'baseline') use(builtIn.tile);
    if (variant === 'builtin-maxpool-grad' || variant === 'baseline') use(builtIn.maxPool);
    if (variant === 'builtin-matmul' || variant === 'baseline') use(builtIn.matMul);
    if (variant === 'builtin-backprop-input' || variant === 'baseline') use(builtIn.input);
    if (variant === 'im2col-filter' || variant === 'baseline') {
      const kind = variant === 'baseline' ? 'per-tap' : 'im2col';
      use({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: sliceFilterGrad(kind) });
    }
  };
  const runs = variants.map((variant) => {
    const model = makeModel();
    const optimizer = tf.train.sgd(0.01);
    const step = (): void => {
      const cost = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
      );
      cost?.dataSync();
      cost?.dispose();
    };
    install(variant);
    step();
    step();
    return { variant, step, rates: [] as number[], leaked: 0 };
  });
  for (let round = 0; round < rounds; round++) {
    for (const run of runs) {
      install(run.variant);
      const tensorsBefore = tf.memory().numTensors;
      const start = performance.now();
      for (let i = 0; i < steps; i++) run.step();
      run.rates.push((steps * batch) / ((performance.now() - start) / 1000));
      run.leaked += tf.memory().numTensors - tensorsBefore;
    }
  }
  for (const run of runs) {
    const sorted = [...run.rates].sort((a, b) => a - b);
    const best = sorted[sorted.length - 1] ?? 0;
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    console.log(
      `${best.toFixed(0).padStart(6)} images/s best, ${median.toFixed(0).padStart(5)} median  ${run.variant.padEnd(24)} ` +
        VARIANTS[run.variant] +
        (run.leaked === 0 ? '' : `  (LEAK: ${run.leaked} tensors)`),
    );
    if (values.profile) {
      install(run.variant);
      const info = await tf.profile(run.step);
      const byKernel = new Map<string, number>();
      for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
      const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8);
      // Kernels that run other kernels (ours do) count those twice.
      console.log('         ms per step:', top.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', '));
    }
  }

  install('ours');
  const model = makeModel();
  const start = performance.now();
  for (let i = 0; i < steps; i++) tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
  console.log(
    `${((steps * batch) / ((performance.now() - start) / 1000)).toFixed(0).padStart(6)} images/s  inference (predict only)`,
  );
}

void main();
