// Which tensors a training step keeps alive at the end of its forward pass (what its gradients will
// read), by the kernel that made them: where the memory of a step at 224 px goes. The forward pass runs
// as trainStep runs it (releasingModel.ts).
// Run: npx tsx scripts/bench/tensorCensus.ts mobilenetv2-224x224x3 [--backend native] [--batch 1] [--top 25]
import { parseArgs } from 'node:util';
import { engine, memory, variableGrads, tensor, mean, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import { buildClassifier } from '../../src/trainer/models/classifier';
import { SeededRandom } from '../../src/trainer/random';
import { FULL_PROTOCOL, protocolFor, selectModels } from './models';
import { releasingStepModel } from '../../src/trainer/training/releasingModel';

interface Made {
  tensor: Tensor;
  kernel: string;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'native' },
      batch: { type: 'string', default: '1' },
      top: { type: 'string', default: '25' },
    },
  });
  const [benchModel] = selectModels(positionals.slice(0, 1));
  if (benchModel === undefined) throw new Error('usage: tensorCensus.ts MODEL_ID');
  await selectBackend(values.backend === 'wasm' ? 'wasm' : 'native', { log: () => undefined });
  const protocol = protocolFor(benchModel, FULL_PROTOCOL);
  const { model } = buildClassifier(
    benchModel.architecture,
    benchModel.inputShape,
    protocol.classCount,
    0,
    new SeededRandom(1),
  );
  const batch = Number(values.batch);
  const made: Made[] = [];
  const kernels: string[] = [];
  const eng = engine() as unknown as {
    runKernel: (name: string, ...rest: unknown[]) => unknown;
    trackTensor: (t: Tensor, backend: unknown) => void;
  };
  const runKernel = eng.runKernel.bind(eng);
  eng.runKernel = (name: string, ...rest: unknown[]) => {
    kernels.push(name);
    try {
      return runKernel(name, ...rest);
    } finally {
      kernels.pop();
    }
  };
  const track = eng.trackTensor.bind(eng);
  let recording = false;
  const madeBy = new Map<unknown, string>();
  eng.trackTensor = (t: Tensor, backend: unknown) => {
    if (!madeBy.has(t.dataId)) madeBy.set(t.dataId, kernels.at(-1) ?? '(direct)');
    if (recording) made.push({ tensor: t, kernel: madeBy.get(t.dataId) ?? '(direct)' });
    track(t, backend);
  };
  const size = benchModel.inputShape.reduce((a, b) => a * b, 1);
  tidy(() => {
    const images = tensor(new Float32Array(batch * size).fill(0.5), [batch, ...benchModel.inputShape]);
    const variables = model.trainableWeights.map((w) => w.read() as Variable);
    variableGrads(() => {
      recording = true;
      const output = releasingStepModel(model).apply(images, { training: true }) as Tensor;
      recording = false;
      const seen = new Set<unknown>();
      const byKernel = new Map<string, { bytes: number; count: number }>();
      let total = 0;
      for (const { tensor: t, kernel } of made) {
        if (t.isDisposed || seen.has(t.dataId)) continue;
        seen.add(t.dataId);
        const bytes = t.size * 4;
        total += bytes;
        const entry = byKernel.get(kernel) ?? { bytes: 0, count: 0 };
        entry.bytes += bytes;
        entry.count += 1;
        byKernel.set(kernel, entry);
      }
      console.log(`engine numBytes ${(memory().numBytes / 2 ** 20 / batch).toFixed(1)} MiB an image; `);
      console.log(
        `alive after the forward pass: ${(total / 2 ** 20 / batch).toFixed(1)} MiB an image (${made.length} made)`,
      );
      [...byKernel.entries()]
        .sort((a, b) => b[1].bytes - a[1].bytes)
        .slice(0, Number(values.top))
        .forEach(([kernel, { bytes, count }]) =>
          console.log(
            `  ${kernel.padEnd(36)} ${(bytes / 2 ** 20 / batch).toFixed(1).padStart(7)} MiB/image  ${count} tensors`,
          ),
        );
      return mean(output);
    }, variables);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
