// Issue 14's end-to-end case, through the real CLI: torchvision's resnet18 pretrained in PyTorch
// (on Fashion-MNIST at 64×64: pretrainedResnetFixture.ts) is fine-tuned at 64×64 on 40 labels of
// the real pneumonia data, killed (SIGKILL) in the middle of its full fine-tuning, resumed, and then
// beats the same network trained from scratch on the same labels. Its fine-tuning uses
// discriminative learning rates (each block down at half the rate of the one above).
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { isTrainerEvent } from '../../../../src/shared/run/events';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { sharedData } from '../../../support/dataHelpers';
import { cliPath } from '../../../support/paths';
import { skipMissing } from '../../../support/prerequisites';
import { PRETRAINED_RESNET18_FILE, pretrainedResnet18Fixture } from '../../../support/pretrainedResnetFixture';
import type { FixturesResult } from '../../../support/pythonFixtures';

let fixture: FixturesResult;
before(async () => {
  fixture = await pretrainedResnet18Fixture();
});

function experiment(weights: string): string {
  return `name: resnet18-pneumonia
seed: 5
model: { architecture: resnet18, inputShape: [64, 64, 1] }
pretrained: ${weights}
target:
  dataset: { type: medmnist, path: ${sharedData('pneumoniamnist-subset.npz')} }
  classes: [normal, pneumonia]
  labelsPerClass: 20
fineTune: { strategy: two-phase, headEpochs: 2, epochs: 3, learningRate: 1.0e-4, learningRateDecay: 0.5 }
training: { batchSize: 16, learningRate: 1.0e-3, classWeights: balanced }
baseline: { scratch: true }
evaluation: { positiveClass: pneumonia, bootstrap: { resamples: 200 }, saliency: { samplesPerClass: 0 } }
`;
}

interface ModelMetrics {
  auc: number;
  balancedAccuracy: number;
}

describe('resnet18 from a PyTorch state dict on the pneumonia data', () => {
  it('fine-tunes at 64×64, survives a SIGKILL and resume, and beats its scratch baseline', async (context) => {
    if ('missing' in fixture) return skipMissing(context, fixture.missing);
    const folder = temporaryFolder('resnet18-pneumonia');
    const file = writeExperiment(folder, 'resnet18-pneumonia', experiment(join(fixture.dir, PRETRAINED_RESNET18_FILE)));
    const child = fork(cliPath, ['run', file, '--run-id', 'killed'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('message', (message: unknown) => {
      const killNow =
        isTrainerEvent(message) &&
        message.type === 'batch-ended' &&
        message.phase === 'finetune' &&
        message.epoch === 2 &&
        message.batch === 1;
      if (killNow) child.kill('SIGKILL');
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, received) => resolve(received)),
    );
    assert.equal(signal, 'SIGKILL', `killed in finetune epoch 2, not ended by itself:\n${stderr}`);
    const runDir = join(folder, 'runs', 'resnet18-pneumonia', 'killed');
    assert.ok(existsSync(join(runDir, 'checkpoint', 'state.json')), 'a checkpoint to resume from');

    const resumed = runCli(['resume', runDir, '--no-progress']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const events = readEvents(runDir);
    assert.equal(eventsOf(events, 'run-resumed')[0]?.fromPhase, 'finetune');
    assert.equal(eventsOf(events, 'run-ended').at(-1)?.status, 'completed');

    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as {
      models: Record<'fine-tuned' | 'scratch', ModelMetrics>;
    };
    const fineTuned = metrics.models['fine-tuned'];
    const scratch = metrics.models.scratch;
    const figures = `fine-tuned AUC ${fineTuned.auc.toFixed(3)}, scratch ${scratch.auc.toFixed(3)}`;
    assert.ok(fineTuned.auc > scratch.auc, `transfer beats scratch: ${figures}`);
    assert.ok(fineTuned.auc > 0.8, `the pretrained features carry over: ${figures}`);
    const metadata = JSON.parse(readFileSync(join(runDir, 'model', 'metadata.json'), 'utf8')) as {
      preprocessing?: { name: string };
    };
    assert.equal(metadata.preprocessing?.name, 'imagenet', "the weights' preprocessing, after the resume too");
    assert.match(
      readFileSync(join(runDir, 'log.txt'), 'utf8'),
      /discriminative learning rates, ×0\.5 a block down: head 0\.0001, base blocks from the top 0\.0000500 \(\d+ layers\)/,
    );
  });
});
