// Through the real CLI: `pretrained:` naming a Keras weights-only .h5 file of keras.applications'
// ResNet50 (RadImageNet's kind) builds the base as Keras defines ResNet50 (v1) and trains, and
// the scratch baseline is built to the same topology; a file for another architecture stops
// before any training. And the scratch baseline sees the fine-tuned model's input: the same frozen
// preprocessing layer first (a torchvision file's imagenet), recorded in its metadata.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ModelMetadata } from '../../../../src/trainer/models/modelFiles';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { skipMissing } from '../../../support/prerequisites';
import { fixtureWeights, torchvisionFixtures } from '../../../support/torchvisionFixtures';
import { weightReaderFixtures } from '../../../support/weightReaderFixtures';
import type { FixturesResult } from '../../../support/weightReaderFixtures';

let readers: FixturesResult;
let torchvision: FixturesResult;
before(async () => {
  readers = await weightReaderFixtures();
  torchvision = await torchvisionFixtures();
});

// The fixtures' batch-norm statistics were measured on [0, 1] images at 64×64: other inputs (caffe's
// 0–255, which Keras weights get by default, checked in kerasApplicationWeights.test.ts) would blow
// their random features up, so the Keras run takes the images as they are.
function experiment(name: string, architecture: string, pretrained: string, preprocessing: string): string {
  return `name: ${name}
seed: 5
model: { architecture: ${architecture}, inputShape: [64, 64, 3] }
pretrained: ${pretrained}
target: { dataset: { type: synthetic, task: target, samples: 20 }, classes: [normal, lesion], labelsPerClass: 4 }
fineTune: { strategy: feature-extraction, headEpochs: 1 }
baseline: { scratch: true, epochs: 1 }
training: { batchSize: 8 }
evaluation: { positiveClass: lesion }
${preprocessing}
`;
}

interface LayerConfig {
  class_name: string;
  config: { name: string; strides?: number[]; layers?: LayerConfig[] };
}

/** The classifier's layers as model.json lists them (the base nested among them). */
function layersOf(modelDir: string): LayerConfig[] {
  const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
    modelTopology: { config: { layers: LayerConfig[] } };
  };
  return json.modelTopology.config.layers;
}

function metadataOf(modelDir: string): ModelMetadata {
  return JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8')) as ModelMetadata;
}

/** Runs the experiment (ResNets twice, fine-tuned and scratch, on wasm: minutes on a loaded machine). */
function run(prefix: string, text: string): { status: number | null; stderr: string; runDir: string } {
  const folder = temporaryFolder(prefix);
  const result = runCli(['run', writeExperiment(folder, prefix, text), '--no-progress'], { timeoutMs: 540_000 });
  return { ...result, runDir: result.stdout.includes('Run folder:') ? runDirFromOutput(result.stdout) : '' };
}

describe('pretrained: a Keras weights-only file, and the scratch baseline beside a weight file', () => {
  it("builds Keras' ResNet50 v1 from its weights-only file, and the scratch baseline to the same topology", (context) => {
    if ('missing' in readers) return skipMissing(context, readers.missing);
    const file = join(readers.dir, 'keras_resnet50_v1.h5');
    const result = run('kerasweights', experiment('keras', 'resnet50', file, 'preprocessing: none'));
    assert.equal(result.status, 0, result.stderr);
    const fineTuned = metadataOf(join(result.runDir, 'model'));
    assert.match(
      fineTuned.weightsSource,
      /resnet50 in Keras' v1 form \(stride in the first 1×1\) weights keras_resnet50_v1\.h5/,
    );
    assert.equal(fineTuned.sourceHead?.classes, 10);
    const base = layersOf(join(result.runDir, 'scratch-model')).find((layer) => layer.config.name === 'base');
    const strides = (name: string) => base?.config.layers?.find((layer) => layer.config.name === name)?.config.strides;
    assert.deepEqual(
      [strides('layer2.0.conv1'), strides('layer2.0.conv2')],
      [
        [2, 2],
        [1, 1],
      ],
      "the scratch baseline strides where Keras' v1 does",
    );
  });

  it('stops before any training when the Keras file is for another architecture', (context) => {
    if ('missing' in readers) return skipMissing(context, readers.missing);
    const file = join(readers.dir, 'keras_resnet50_v1.h5');
    const result = run('kerasmismatch', experiment('mismatch', 'densenet121', file, ''));
    assert.equal(result.status, 3, result.stderr);
    assert.match(
      result.stderr,
      /holds Keras ResNet50 \(as RadImageNet's\) weights only \(no model_config\), which load onto model\.architecture resnet50, not densenet121/,
    );
    assert.equal(eventsOf(readEvents(result.runDir), 'epoch-ended').length, 0, 'nothing trained');
  });

  it("gives the scratch baseline the weights' preprocessing layer first, recorded in its metadata.json", (context) => {
    if ('missing' in torchvision) return skipMissing(context, torchvision.missing);
    const file = fixtureWeights(torchvision.dir, 'resnet18');
    const result = run('scratchinput', experiment('scratchinput', 'resnet18', file, ''));
    assert.equal(result.status, 0, result.stderr);
    for (const folder of ['model', 'scratch-model']) {
      const metadata = metadataOf(join(result.runDir, folder));
      assert.deepEqual(
        [metadata.preprocessing?.name, metadata.preprocessing?.chosenBy],
        ['imagenet', 'weights'],
        folder,
      );
      assert.deepEqual(
        layersOf(join(result.runDir, folder))
          .slice(0, 3)
          .map((layer) => layer.config.name),
        ['images', 'preprocessing', 'base'],
        `${folder}: the frozen preprocessing layer is the first after the input`,
      );
    }
    const scratch = eventsOf(readEvents(result.runDir), 'phase-started').find((event) => event.phase === 'scratch');
    assert.ok(scratch, 'the scratch baseline trained');
  });
});
