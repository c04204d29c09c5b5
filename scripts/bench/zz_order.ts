import { profile } from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import { buildClassifier } from '../../src/trainer/models/classifier';
import { SeededRandom } from '../../src/trainer/random';
import { BatchIterator } from '../../src/trainer/training/batches';
import { createOptimizer } from '../../src/trainer/training/optimizers';
import { FULL_PROTOCOL, protocolFor, selectModels } from './models';
import { syntheticSet } from './tfjsBench';
import { trainStep } from '../../src/trainer/training/trainStep';
async function main() {
  const [m] = selectModels([process.argv[2] ?? 'seed-cnn-28x28x1']);
  if (!m) return;
  await selectBackend('native', { log: () => undefined });
  const protocol = protocolFor(m, FULL_PROTOCOL);
  const { model } = buildClassifier(m.architecture, m.inputShape, 10, 0.3, new SeededRandom(1));
  const context = { model, shape: m.inputShape, variables: model.trainableWeights.map((w) => w.read() as Variable), classCount: 10, classWeights: null, optimizer: createOptimizer('adam', 1e-3) };
  const set = syntheticSet(m, protocol.batchSize, 10, 2);
  const batch = new BatchIterator(set, protocol.batchSize).epoch(new SeededRandom(3)).next();
  if (batch.done) return;
  for (let i = 0; i < 3; i++) trainStep(context, batch.value);
  const p = await profile(() => { trainStep(context, batch.value); });
  let total = 0;
  for (const k of p.kernels) { const ms = k.kernelTimeMs as number; total += ms; console.log(ms.toFixed(2).padStart(7), k.name, JSON.stringify(k.inputShapes)); }
  console.log('kernels', p.kernels.length, 'total', total.toFixed(1));
}
main();
