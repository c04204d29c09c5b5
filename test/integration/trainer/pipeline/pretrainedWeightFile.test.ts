// `pretrained:` naming a weight file, through the real CLI: resnet18 from the torchvision
// fixture (.safetensors) at 64×64×3 trains with the weights' ImageNet preprocessing recorded in
// metadata.json; resnet18 weights for resnet50 stop before any training with the mapping's
// message (a .pth file, matched when the run loads it; `validate` already refuses a .safetensors
// file whose header says another architecture, at the `pretrained` line); `medtransfer import`
// makes a folder from which a run starts as it does from the file.
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
import type { FixturesResult } from '../../../support/pythonFixtures';

let fixtures: FixturesResult;
before(async () => {
  fixtures = await torchvisionFixtures();
});

function experiment(name: string, pretrained: string, extra = ''): string {
  return `name: ${name}
seed: 3
model: { architecture: resnet18, inputShape: [64, 64, 3] }
pretrained: ${pretrained}
target: { dataset: { type: synthetic, task: target, samples: 60 }, classes: [normal, lesion], labelsPerClass: 8 }
fineTune: { strategy: feature-extraction, headEpochs: 1 }
baseline: { scratch: false }
training: { batchSize: 16 }
evaluation: { positiveClass: lesion }
${extra}`;
}

function run(folder: string, name: string, text: string) {
  const result = runCli(['run', writeExperiment(folder, name, text), '--no-progress']);
  return { ...result, runDir: result.stdout.includes('Run folder:') ? runDirFromOutput(result.stdout) : '' };
}

function firstHeadLoss(runDir: string): number {
  const epoch = eventsOf(readEvents(runDir), 'epoch-ended').find((event) => event.phase === 'head');
  assert.ok(epoch, 'a head epoch ended');
  return epoch.metrics.loss;
}

function metadataOf(modelDir: string): ModelMetadata {
  return JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8')) as ModelMetadata;
}

describe('pretrained: a weight file', () => {
  it('trains resnet18 from a .safetensors file with its ImageNet preprocessing; import gives the same start', (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const folder = temporaryFolder('weightfile');
    const file = fixtureWeights(fixtures.dir, 'resnet18');
    const fromFile = run(folder, 'fromfile', experiment('fromfile', file));
    assert.equal(fromFile.status, 0, fromFile.stderr);
    const metadata = metadataOf(join(fromFile.runDir, 'model'));
    assert.equal(metadata.preprocessing?.name, 'imagenet');
    assert.equal(metadata.preprocessing?.chosenBy, 'weights');
    assert.deepEqual(metadata.sourceHead, {
      file: 'resnet18.safetensors',
      tensors: ['fc.bias', 'fc.weight'],
      features: 512,
      classes: 10,
    });
    assert.match(metadata.weightsSource, /resnet18 weights resnet18\.safetensors \(safetensors, 100 tensors\)/);
    const topology = readFileSync(join(fromFile.runDir, 'model', 'model.json'), 'utf8');
    assert.match(topology, /"name":"preprocessing"/);
    // The head phase trains the new head alone (512 features → 2 classes): the preprocessing layer never trains.
    const head = eventsOf(readEvents(fromFile.runDir), 'phase-started').find((event) => event.phase === 'head');
    assert.equal(head?.trainableParams, 512 * 2 + 2);

    const imported = join(folder, 'imported');
    const conversion = runCli(['import', file, '--architecture', 'resnet18', '--out', imported, '--size', '64']);
    assert.equal(conversion.status, 0, conversion.stderr);
    assert.equal(metadataOf(imported).preprocessing?.name, 'imagenet');
    assert.deepEqual(metadataOf(imported).classes.length, 10);
    const fromFolder = run(folder, 'fromfolder', experiment('fromfolder', imported));
    assert.equal(fromFolder.status, 0, fromFolder.stderr);
    // The same start up to float rounding: the model built from the file normalises with the native
    // path's one-pass batch norm (x·scale + offset), the folder's loaded layers with tfjs's own.
    const [folderLoss, fileLoss] = [firstHeadLoss(fromFolder.runDir), firstHeadLoss(fromFile.runDir)];
    assert.ok(Math.abs(folderLoss - fileLoss) <= 1e-6 * Math.abs(fileLoss), `${folderLoss} vs ${fileLoss}`);
    assert.equal(metadataOf(join(fromFolder.runDir, 'model')).preprocessing?.name, 'imagenet');

    // The experiment's `preprocessing:` overrides the weights': another input, another first loss.
    const overridden = run(folder, 'caffe', experiment('caffe', file, 'preprocessing: caffe\n'));
    assert.equal(overridden.status, 0, overridden.stderr);
    const chosen = metadataOf(join(overridden.runDir, 'model')).preprocessing;
    assert.deepEqual([chosen?.name, chosen?.chosenBy], ['caffe', 'experiment']);
    assert.notEqual(firstHeadLoss(overridden.runDir), firstHeadLoss(fromFile.runDir));
  });

  it('stops before any training when a .pth file holds another architecture, with the mapping message', async (context) => {
    const readers = await weightReaderFixtures();
    if ('missing' in readers) return skipMissing(context, readers.missing);
    const folder = temporaryFolder('weightmismatch');
    const file = join(readers.dir, 'resnet18.zip.pth');
    const text = experiment('mismatch', file).replace('architecture: resnet18', 'architecture: resnet50');
    const result = run(folder, 'mismatch', text);
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stderr, /resnet18\.zip\.pth does not fit resnet50/);
    assert.match(result.stderr, /layer1\.0\.conv1\.weight is \[64, 64, 3, 3\] in the file, \[64, 64, 1, 1\] here/);
    assert.match(result.stderr, /seems to be torchvision's resnet18 \(model\.architecture: resnet18\)/);
    const events = readEvents(result.runDir);
    assert.equal(eventsOf(events, 'epoch-ended').length, 0, 'nothing trained');
    assert.equal(eventsOf(events, 'run-ended')[0]?.errorKind, 'experiment');
  });

  it('starts from a Keras full-model .h5 file: its own topology, the base before its classifier, caffe', async (context) => {
    const readers = await weightReaderFixtures();
    if ('missing' in readers) return skipMissing(context, readers.missing);
    const folder = temporaryFolder('kerasfull');
    // The file's model takes 16×16×3; model.architecture does not apply to it.
    const text = experiment('keras', join(readers.dir, 'keras_full.h5')).replace(
      'architecture: resnet18, inputShape: [64, 64, 3]',
      'architecture: resnet-small, inputShape: [16, 16, 3]',
    );
    const result = run(folder, 'keras', text);
    assert.equal(result.status, 0, result.stderr);
    const metadata = metadataOf(join(result.runDir, 'model'));
    assert.deepEqual([metadata.preprocessing?.name, metadata.preprocessing?.chosenBy], ['caffe', 'weights']);
    assert.deepEqual(metadata.sourceHead, {
      file: 'keras_full.h5',
      tensors: ['predictions/kernel', 'predictions/bias'],
      features: 8,
      classes: 3,
    });
    assert.match(
      metadata.weightsSource,
      /the Keras model small_keras weights keras_full\.h5 \(keras-h5 full model, 8 tensors\)/,
    );
    assert.match(
      readFileSync(join(result.runDir, 'log.txt'), 'utf8'),
      /1 BatchNormalization layers of the transferred base/,
    );
  });

  it('validate points at the pretrained line for a missing file, a non-weight file and a safetensors mismatch', (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const folder = temporaryFolder('weightvalidate');
    const check = (name: string, pretrained: string) =>
      runCli(['validate', writeExperiment(folder, name, experiment(name, pretrained))]);
    const mismatch = check('wrong', fixtureWeights(fixtures.dir, 'resnet50'));
    assert.equal(mismatch.status, 1, mismatch.stdout);
    assert.match(
      mismatch.stdout + mismatch.stderr,
      /wrong\.experiment\.yaml:4:13: `pretrained`: resnet50\.safetensors holds torchvision's resnet50 \(model\.architecture: resnet50\), not model\.architecture resnet18/,
    );
    const notWeights = check('text', join(folder, 'wrong.experiment.yaml'));
    assert.equal(notWeights.status, 1);
    assert.match(
      notWeights.stdout + notWeights.stderr,
      /text\.experiment\.yaml:4:13: `pretrained`: wrong\.experiment\.yaml is not a weight file/,
    );
    const missing = check('missing', join(folder, 'nowhere.safetensors'));
    assert.equal(missing.status, 1);
    assert.match(
      missing.stdout + missing.stderr,
      /missing\.experiment\.yaml:4:13: `pretrained`: no such file or folder/,
    );
    assert.equal(check('right', fixtureWeights(fixtures.dir, 'resnet18')).status, 0);
  });
});
