// A developer's loop for kernel work: one bench model's training step on wasm, timed and
// profiled per kernel, in seconds rather than the full bench's minutes.
// Run: npx tsx scripts/bench/profileModel.ts resnet-small-32x32x3 [--steps 5] [--top 20] [--rounds 3]
//   [--backend native] [--ab KERNEL,KERNEL] [--batch N]
// The model is a bench model (models.ts) or any architecture at a size, e.g. densenet121-224x224x3
// (then as the large bench models: batch 32 unless --batch says otherwise).
// Prints the median step time (images/s at the protocol's batch) over rounds and the kernels' self times.
// --ab times every round twice, with the named kernels and without them: an A/B in one process, fair
// on a busy machine. Without a kernel the native path added, the model composes tfjs ops (e.g. --ab
// MedTransferBatchNormTraining); without one it replaced (e.g. --ab PadV2,Slice,Concat), the built-in
// wasm kernel is back for those rounds. The kernels' self times follow, both ways: the --ab kernels', and
// those of every other kernel called a different number of times without them (what an added kernel replaced).
import { parseArgs } from 'node:util';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import { replacedWasmKernel } from '../../src/trainer/backend/native/registerNativeKernels';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import { buildClassifier } from '../../src/trainer/models/classifier';
import { SeededRandom } from '../../src/trainer/random';
import { BatchIterator } from '../../src/trainer/training/batches';
import { createOptimizer } from '../../src/trainer/training/optimizers';
import { profileKernels } from './kernelProfile';
import type { StepProfile } from './results';
import { FULL_PROTOCOL, protocolFor, selectModels } from './models';
import type { BenchModel } from './models';
import { ARCHITECTURES } from '../../src/shared/experiment/schema';
import { median } from './stats';
import { syntheticSet } from './tfjsBench';
import { trainStep } from '../../src/trainer/training/trainStep';
import type { StepContext } from '../../src/trainer/training/trainStep';
import { errorStack } from '../../src/shared/errors/errorMessage';

/** A bench model by its id, else ARCH-HxWxC as a large model (batch 32, as the torchvision backbones). */
function profiledModel(id: string | undefined): BenchModel {
  if (id === undefined) throw new Error('usage: profileModel.ts MODEL_ID');
  const match = /^(.+)-(\d+)x(\d+)x(\d+)$/.exec(id);
  const architecture = ARCHITECTURES.find((name) => name === match?.[1]);
  if (match === null || architecture === undefined) {
    const [benchModel] = selectModels([id]);
    if (benchModel === undefined) throw new Error(`no bench model ${id}`);
    return benchModel;
  }
  const known = selectModels([]).find((candidate) => candidate.id === id);
  const inputShape: [number, number, number] = [Number(match[2]), Number(match[3]), Number(match[4])];
  return known ?? { id, architecture, inputShape, large: true };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      steps: { type: 'string', default: '5' },
      top: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
      backend: { type: 'string', default: 'wasm' },
      ab: { type: 'string', default: '' },
      batch: { type: 'string' },
    },
  });
  const steps = Number(values.steps);
  const rounds = Number(values.rounds);
  const benchModel = profiledModel(positionals[0]);
  const backend = values.backend === 'native' ? 'native' : 'wasm';
  await selectBackend(backend, { log: () => undefined });
  const protocol = {
    ...protocolFor(benchModel, FULL_PROTOCOL),
    ...(values.batch === undefined ? {} : { batchSize: Number(values.batch) }),
  };
  const { model } = buildClassifier(
    benchModel.architecture,
    benchModel.inputShape,
    protocol.classCount,
    protocol.dropout,
    new SeededRandom(1),
  );
  const context: StepContext = {
    model,
    shape: benchModel.inputShape,
    variables: model.trainableWeights.map((weight) => weight.read() as Variable),
    classCount: protocol.classCount,
    classWeights: null,
    optimizer: createOptimizer('adam', protocol.learningRate),
  };
  const set = syntheticSet(benchModel, protocol.batchSize, protocol.classCount, 2);
  const batch = new BatchIterator(set, protocol.batchSize).epoch(new SeededRandom(3)).next();
  if (batch.done) throw new Error('empty synthetic set');
  for (let i = 0; i < 2; i++) trainStep(context, batch.value);
  const abKernels = (values.ab ?? '')
    .split(',')
    .filter((name) => name !== '')
    .map((name) => {
      const config = getKernel(name, 'wasm');
      if (config === undefined) throw new Error(`--ab: no kernel ${name} on wasm`);
      return { config, builtIn: replacedWasmKernel(name) };
    });
  const timeRound = (): number => {
    const started = performance.now();
    for (let i = 0; i < steps; i++) trainStep(context, batch.value);
    return (performance.now() - started) / steps;
  };
  /** Runs `run` with the --ab kernels out: the built-in wasm kernel back where ours replaced one. */
  const withoutAb = <T>(run: () => T): T => {
    for (const { config, builtIn } of abKernels) {
      unregisterKernel(config.kernelName, 'wasm');
      if (builtIn !== undefined) registerKernel(builtIn);
    }
    try {
      return run();
    } finally {
      for (const { config, builtIn } of abKernels) {
        if (builtIn !== undefined) unregisterKernel(config.kernelName, 'wasm');
        registerKernel(config);
      }
    }
  };
  const stepMs: number[] = [];
  const withoutMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    stepMs.push(timeRound());
    if (abKernels.length === 0) continue;
    withoutMs.push(
      withoutAb(() => {
        trainStep(context, batch.value);
        return timeRound();
      }),
    );
  }
  if (withoutMs.length > 0) {
    const without = median(withoutMs);
    process.stdout.write(
      `without ${values.ab}: ${without.toFixed(1)} ms/step (rounds ${withoutMs.map((value) => value.toFixed(1)).join(', ')}), ${Math.round((protocol.batchSize * 1000) / without)} img/s\n`,
    );
  }
  const ms = median(stepMs);
  process.stdout.write(
    `${benchModel.id} on ${backend}: ${ms.toFixed(1)} ms/step (rounds ${stepMs.map((value) => value.toFixed(1)).join(', ')}), ${Math.round((protocol.batchSize * 1000) / ms)} img/s\n`,
  );
  const top = Number(values.top);
  const profile = () => profileKernels('wasm', () => trainStep(context, batch.value), steps, Number.MAX_SAFE_INTEGER);
  const profiled = profile();
  process.stdout.write(`profiled step ${profiled.stepMs.toFixed(1)} ms, kernels ${profiled.kernelMs.toFixed(1)} ms\n`);
  for (const kernel of profiled.top.slice(0, top))
    process.stdout.write(`  ${kernel.selfMs.toFixed(2).padStart(7)} ms  ×${kernel.calls}  ${kernel.name}\n`);
  const byKernel = kernelTotals(profiled);
  process.stdout.write('by kernel:\n');
  for (const [name, entry] of [...byKernel].sort((a, b) => b[1].selfMs - a[1].selfMs).slice(0, top)) {
    const share = ((100 * entry.selfMs) / profiled.stepMs).toFixed(1).padStart(5);
    process.stdout.write(`  ${entry.selfMs.toFixed(1).padStart(8)} ms ${share}%  ×${entry.calls}  ${name}\n`);
  }
  if (abKernels.length === 0) return;
  // The --ab kernels' own times both ways: far less noisy on a busy machine than the step's.
  const without = kernelTotals(withoutAb(profile));
  process.stdout.write(`--ab kernels' self time a step, with / without:\n`);
  for (const { config } of abKernels) {
    const name = config.kernelName;
    const [withEntry, withoutEntry] = [byKernel.get(name), without.get(name)];
    process.stdout.write(
      `  ${(withEntry?.selfMs ?? 0).toFixed(1).padStart(8)} / ${(withoutEntry?.selfMs ?? 0).toFixed(1)} ms  ×${withEntry?.calls ?? 0}  ${name}\n`,
    );
  }
  // Where ours added a kernel, what it stands for is other kernels (a composition): those called a
  // different number of times without it.
  const abNames = new Set(abKernels.map(({ config }) => config.kernelName));
  const others = [...new Set([...byKernel.keys(), ...without.keys()])].filter(
    (name) => !abNames.has(name) && (byKernel.get(name)?.calls ?? 0) !== (without.get(name)?.calls ?? 0),
  );
  for (const name of others) {
    const [withEntry, withoutEntry] = [byKernel.get(name), without.get(name)];
    process.stdout.write(
      `  ${(withEntry?.selfMs ?? 0).toFixed(1).padStart(8)} / ${(withoutEntry?.selfMs ?? 0).toFixed(1)} ms  ` +
        `×${withEntry?.calls ?? 0} / ×${withoutEntry?.calls ?? 0}  ${name}\n`,
    );
  }
}

/** Self times summed over shapes: which kernels (not layers) the step spends its time in. */
function kernelTotals(profiled: StepProfile): Map<string, { selfMs: number; calls: number }> {
  const totals = new Map<string, { selfMs: number; calls: number }>();
  for (const kernel of profiled.top) {
    const name = kernel.name.split(' ')[0] ?? kernel.name;
    const entry = totals.get(name) ?? { selfMs: 0, calls: 0 };
    entry.selfMs += kernel.selfMs;
    entry.calls += kernel.calls;
    totals.set(name, entry);
  }
  return totals;
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorStack(error)}\n`);
  process.exit(1);
});
