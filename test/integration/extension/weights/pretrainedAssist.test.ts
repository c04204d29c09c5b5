// The editor's checks, hover and completion for `pretrained:` on real weight files, described by
// the bundled trainer's `inspect-weights --json` as the extension runs it: the squiggle's message
// for a missing file, a file that is no weight file and weights of another architecture (a
// PyTorch file and a Keras weights-only file, which `validate` leaves to the run), and the hover's
// format, architecture, tensors, parameters and preprocessing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pretrainedCandidates } from '../../../../src/extension/weights/pretrainedCompletion';
import { pretrainedHoverText } from '../../../../src/extension/weights/pretrainedHoverText';
import { pretrainedProblem } from '../../../../src/extension/weights/pretrainedProblem';
import { pretrainedValueOf } from '../../../../src/extension/weights/pretrainedValue';
import { WeightFileInspector } from '../../../../src/extension/weights/weightFileInspector';
import { temporaryFolder } from '../../../support/cliHarness';
import { cliPath } from '../../../support/paths';
import { skipMissing } from '../../../support/prerequisites';
import { weightReaderFixtures } from '../../../support/weightReaderFixtures';
import type { FixturesResult } from '../../../support/weightReaderFixtures';

let fixtures: FixturesResult;
before(async () => {
  fixtures = await weightReaderFixtures();
});

function experiment(pretrained: string, architecture: string, extra = ''): string {
  return `name: assist\nmodel: { architecture: ${architecture}, inputShape: [64, 64, 3] }\npretrained: ${pretrained}\n${extra}`;
}

describe(
  'pretrained: squiggles and hover from the trainer',
  { skip: !existsSync(cliPath) && 'dist/cli.js is not built' },
  () => {
    it('says what is wrong at the value: missing, no weight file, another architecture', async (context) => {
      if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
      const inspector = new WeightFileInspector({ cliPath });
      const { dir } = fixtures;
      const check = async (text: string) => {
        const value = pretrainedValueOf(text, dir);
        assert.ok(value);
        return pretrainedProblem(value.path, await inspector.inspect(value.path), value.architecture);
      };
      assert.equal(
        await check(experiment('nothing.pth', 'resnet18')),
        `\`pretrained\`: no such file or folder: ${join(dir, 'nothing.pth')}`,
      );
      assert.match(
        (await check(experiment('keras_full.reference.json', 'resnet18'))) ?? '',
        /^`pretrained`: keras_full\.reference\.json: not a weight file MedTransfer reads/,
      );
      assert.equal(
        await check(experiment('resnet18.zip.pth', 'resnet50')),
        "`pretrained`: resnet18.zip.pth holds torchvision's resnet18 (model.architecture: resnet18), not model.architecture resnet50",
      );
      assert.equal(await check(experiment('resnet18.zip.pth', 'resnet18')), null);
      assert.equal(
        await check(experiment('keras_resnet50_v1.h5', 'densenet121')),
        "`pretrained`: keras_resnet50_v1.h5 holds Keras ResNet50 (as RadImageNet's) weights, for model.architecture resnet50, not densenet121",
      );
      assert.equal(await check(experiment('keras_resnet50_v1.h5', 'resnet50')), null);
      assert.equal(await check(experiment('keras_full.h5', 'seed-cnn')), null, 'a full model brings its own topology');
      const folder = join(temporaryFolder('assist'), 'model');
      mkdirSync(folder);
      assert.equal(await check(experiment(folder, 'resnet18')), null, 'a folder is checked when the run loads it');
    });

    it('hovers with the format, architecture, tensors, parameters and preprocessing', async (context) => {
      if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
      const inspector = new WeightFileInspector({ cliPath });
      const path = join(fixtures.dir, 'resnet18.zip.pth');
      const inspection = await inspector.inspect(path);
      const hover = pretrainedHoverText(path, inspection, null);
      assert.match(hover, /- format: pytorch-zip, state dict \(zip\)/);
      assert.match(hover, /- architecture: torchvision's resnet18 \(model\.architecture: resnet18\)/);
      assert.match(hover, /- tensors: 102, parameters: 11,689,512/);
      assert.match(hover, /- head: 1000 classes \(`fc\.weight`\), replaced by the target's/);
      assert.match(hover, /- preprocessing: imagenet \(ImageNet's mean .*\), what the weights need/);
      assert.match(
        pretrainedHoverText(path, inspection, 'caffe'),
        /- preprocessing: caffe .*, the experiment's `preprocessing`/,
      );
      assert.strictEqual(await inspector.inspect(path), inspection, 'an unchanged file is described once');
      const keras = pretrainedHoverText(
        path,
        await inspector.inspect(join(fixtures.dir, 'keras_densenet121.h5')),
        null,
      );
      assert.match(keras, /- format: keras-h5, Keras 2\.11\.0 weights only/);
      assert.match(keras, /- architecture: Keras DenseNet121 \(as RadImageNet's\)/);
      assert.match(keras, /- preprocessing: caffe/);
    });

    it('completes with weight files and model folders relative to the experiment', () => {
      const root = temporaryFolder('complete');
      const experimentDir = join(root, 'experiments');
      const candidates = pretrainedCandidates(
        experimentDir,
        [join(root, 'weights', 'resnet18.pth'), join(experimentDir, 'local.safetensors')],
        [join(root, 'runs', 'a', 'model', 'model.json')],
      );
      assert.deepEqual(candidates, [
        { path: 'local.safetensors', kind: 'file' },
        { path: '../runs/a/model', kind: 'folder' },
        { path: '../weights/resnet18.pth', kind: 'file' },
      ]);
    });
  },
);
