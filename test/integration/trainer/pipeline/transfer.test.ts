// Transfer set-ups through the CLI: a saved model as `pretrained` with another channel count,
// every architecture and strategy, real data files, a failing run, and the demo's claim.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { skipIfMissing } from '../../../support/prerequisites';
import { repoRoot } from '../../../support/paths';

function run(folder: string, name: string, text: string) {
  const result = runCli(['run', writeExperiment(folder, name, text), '--no-progress']);
  return { ...result, runDir: result.stdout.includes('Run folder:') ? runDirFromOutput(result.stdout) : '' };
}

describe('transfer set-ups', () => {
  it('fine-tunes a saved resnet-small on images with another channel count (adapter) and another class count', () => {
    const folder = temporaryFolder('pretrained');
    const source = run(
      folder,
      'source',
      `name: source
model: { architecture: resnet-small, inputShape: [20, 20, 1] }
source: { dataset: { type: synthetic, task: source, samples: 300 }, epochs: 1 }
target: { dataset: { type: synthetic, task: source, samples: 200 }, labelsPerClass: 5 }
fineTune: { strategy: feature-extraction, headEpochs: 1 }
baseline: { scratch: false }
`,
    );
    assert.equal(source.status, 0, source.stderr);
    const target = run(
      folder,
      'target',
      `name: target
model: { architecture: resnet-small, inputShape: [20, 20, 3] }
pretrained: ${join(source.runDir, 'model')}
target: { dataset: { type: synthetic, task: target, samples: 200 }, labelsPerClass: 8 }
fineTune: { strategy: partial, headEpochs: 1, epochs: 1, trainableBlocks: 2 }
`,
    );
    assert.equal(target.status, 0, target.stderr);
    const events = readEvents(target.runDir);
    assert.deepEqual(eventsOf(events, 'run-started')[0]?.phases, ['source', 'head', 'finetune', 'scratch', 'evaluate']);
    const [sourcePhase, head, finetune, scratch] = eventsOf(events, 'phase-started');
    assert.match(sourcePhase?.description ?? '', /load the pretrained model/);
    assert.ok(head && finetune && scratch);
    assert.ok(head.trainableParams < finetune.trainableParams, 'partial fine-tuning trains more than the head');
    assert.ok(finetune.trainableParams < finetune.totalParams, 'partial fine-tuning keeps the lower blocks frozen');
    // The scratch model takes 3 channels in its first 3×3×16 convolution; the fine-tuned one has
    // the 1-channel base plus a 1×1 adapter from 3 channels to 1 (3 weights + 1 bias).
    assert.equal(finetune.totalParams, scratch.totalParams - 3 * 3 * 2 * 16 + 4);
    assert.ok(scratch.trainableParams < scratch.totalParams, 'BatchNormalization statistics do not train');
    assert.match(
      readFileSync(join(target.runDir, 'log.txt'), 'utf8'),
      /BatchNormalization layers of the transferred base stay in inference mode/,
    );
    const metadata = JSON.parse(readFileSync(join(target.runDir, 'model', 'metadata.json'), 'utf8')) as {
      inputShape: number[];
      weightsSource: string;
    };
    assert.deepEqual(metadata.inputShape, [20, 20, 3]);
    assert.match(metadata.weightsSource, /loaded from resnet-small/);
  });

  it('trains mobilenet-small with full fine-tuning (no head phase)', () => {
    const folder = temporaryFolder('mobilenet');
    const result = run(
      folder,
      'mobile',
      `name: mobile
model: { architecture: mobilenet-small, inputShape: [20, 20, 1] }
source: { dataset: { type: synthetic, task: source, samples: 300 }, epochs: 1 }
target: { dataset: { type: synthetic, task: target, samples: 200 }, fraction: 0.2 }
fineTune: { strategy: full, epochs: 2 }
baseline: { scratch: true, epochs: 1 }
`,
    );
    assert.equal(result.status, 0, result.stderr);
    const events = readEvents(result.runDir);
    assert.deepEqual(
      eventsOf(events, 'phase-started').map((event) => event.phase),
      ['source', 'finetune', 'scratch', 'evaluate'],
    );
    const finetune = eventsOf(events, 'phase-started')[1];
    assert.equal(finetune?.trainableParams, (finetune?.totalParams ?? 0) - MOBILENET_SMALL_MOVING_STATISTICS);
    assert.equal(eventsOf(events, 'evaluation').length, 2);
  });

  it('reads PNG class folders', () => {
    const folder = temporaryFolder('folder');
    for (const [label, className] of ['clear', 'spot'].entries()) {
      mkdirSync(join(folder, 'images', className), { recursive: true });
      for (let index = 0; index < 12; index++) {
        const png = new PNG({ width: 24, height: 24 });
        for (let pixel = 0; pixel < 24 * 24; pixel++) {
          const x = pixel % 24;
          const y = Math.floor(pixel / 24);
          const spot = label === 1 && (x - 8 - index / 2) ** 2 + (y - 12) ** 2 < 16;
          const value = spot ? 230 : 40 + ((x * 7 + y * 3 + index) % 20);
          png.data.set([value, value, value, 255], pixel * 4);
        }
        writeFileSync(join(folder, 'images', className, `${index}.png`), PNG.sync.write(png));
      }
    }
    const result = run(
      folder,
      'pngs',
      `name: pngs
model: { architecture: seed-cnn, inputShape: [20, 20, 1] }
source: { dataset: { type: synthetic, task: source, samples: 200 }, epochs: 1 }
target: { dataset: { type: folder, path: images }, labelsPerClass: 20 }
fineTune: { headEpochs: 1, epochs: 1 }
`,
    );
    assert.equal(result.status, 0, result.stderr);
    const events = readEvents(result.runDir);
    const warnings = eventsOf(events, 'log')
      .filter((event) => event.level === 'warn')
      .map((event) => event.message);
    assert.ok(
      warnings.some((warning) =>
        /target: labelsPerClass is 20 but class "spot" has only \d+ training images/.test(warning),
      ),
      warnings.join('\n'),
    );
    const data = eventsOf(events, 'data-loaded')[0];
    assert.deepEqual(data?.target.classes, ['clear', 'spot']);
    const sizes = data?.target.sizes;
    assert.equal(
      [...(sizes?.train ?? []), ...(sizes?.val ?? []), ...(sizes?.test ?? [])].reduce((a, b) => a + b, 0),
      24,
    );
  });

  it(
    'runs Fashion-MNIST → PneumoniaMNIST on samples of the real files',
    {
      skip: skipIfMissing(
        !existsSync('/usr/share/datasets/fashion-mnist') &&
          'dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)',
      ),
    },
    () => {
      const folder = temporaryFolder('real');
      const result = run(
        folder,
        'real',
        `name: real
model: { architecture: seed-cnn, inputShape: [28, 28, 1] }
source: { dataset: { type: idx, path: /usr/share/datasets/fashion-mnist }, epochs: 1, fraction: 0.05 }
target:
  dataset: { type: medmnist, path: ${join(repoRoot, '..', 'shared', 'data', 'pneumoniamnist-subset.npz')} }
  classes: [normal, pneumonia]
  fraction: 0.05
fineTune: { headEpochs: 1, epochs: 1 }
baseline: { scratch: false }
evaluation: { split: val }
`,
      );
      assert.equal(result.status, 0, result.stderr);
      const events = readEvents(result.runDir);
      const data = eventsOf(events, 'data-loaded')[0];
      assert.deepEqual(data?.target.sizes.train, [19, 175]);
      assert.deepEqual(data?.target.sizes.val, [135, 389]);
      assert.equal(data?.source?.classes.length, 10);
      const evaluation = eventsOf(events, 'evaluation')[0];
      assert.equal(evaluation?.split, 'val');
      assert.equal(evaluation?.metrics.count, 524);
    },
  );

  it('fails clearly on a missing data file and still leaves a readable run', () => {
    const folder = temporaryFolder('missing');
    const result = run(
      folder,
      'missing',
      `name: missing
model: { architecture: seed-cnn, inputShape: [20, 20, 1] }
source: { dataset: { type: synthetic, task: source, samples: 100 }, epochs: 1 }
target: { dataset: { type: medmnist, path: no/such/file.npz } }
`,
    );
    assert.equal(result.status, 3);
    assert.match(result.stderr, /no\/such\/file\.npz/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    const events = readEvents(result.runDir);
    const ended = eventsOf(events, 'run-ended')[0];
    assert.equal(ended?.status, 'failed');
    assert.equal(ended?.errorKind, 'data');
    assert.match(ended?.error ?? '', /no\/such\/file\.npz/);
    assert.match(readFileSync(join(result.runDir, 'log.txt'), 'utf8'), /run failed/);
  });
});

describe('the demo', () => {
  it('finishes and the fine-tuned model beats the scratch model on the synthetic few-shot target', () => {
    const runsDir = temporaryFolder('demo');
    const result = runCli([
      'run',
      join(repoRoot, 'examples', 'demo.experiment.yaml'),
      '--runs-dir',
      runsDir,
      '--no-progress',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const [fineTuned, scratch] = eventsOf(readEvents(runDirFromOutput(result.stdout)), 'evaluation');
    assert.equal(fineTuned?.model, 'fine-tuned');
    assert.equal(scratch?.model, 'scratch');
    const gain = (fineTuned?.metrics.auc ?? 0) - (scratch?.metrics.auc ?? 1);
    assert.ok(gain > 0.1, `fine-tuned AUC ${fineTuned?.metrics.auc} vs scratch ${scratch?.metrics.auc}`);
    assert.ok((fineTuned?.metrics.balancedAccuracy ?? 0) > (scratch?.metrics.balancedAccuracy ?? 1));
    assert.match(result.stdout, /fine-tuned\s+scratch\s+gain/);
  });
});

/** BatchNormalization moving means and variances: weights that never train. mobilenet-small's BN layers have 16+16+32+32+64+64+64+64+128 channels. */
const MOBILENET_SMALL_MOVING_STATISTICS = 2 * (16 + 16 + 32 + 32 + 64 + 64 + 64 + 64 + 128);
