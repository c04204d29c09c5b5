// What a weight file is, said without converting it: by the library (describeWeightFile) and by
// `medtransfer inspect-weights` through the built bundle, which must load h5wasm's ES module and
// its embedded WebAssembly from CommonJS.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeWeightFile } from '../../../../src/trainer/weights/describeWeightFile';
import { guessArchitecture } from '../../../../src/shared/weights/guessArchitecture';
import { runCli } from '../../../support/cliHarness';
import { skipMissing } from '../../../support/prerequisites';
import { weightReaderFixtures } from '../../../support/weightReaderFixtures';

/** torchvision's documented parameter count of resnet18 (1000 classes). */
const RESNET18_PARAMETERS = 11_689_512;

async function fixtures(context: { skip: (message?: string) => void }): Promise<string | null> {
  const made = await weightReaderFixtures();
  if ('missing' in made) {
    skipMissing(context, made.missing);
    return null;
  }
  return made.dir;
}

describe('describeWeightFile', () => {
  it('says what each PyTorch container holds', async (context) => {
    const dir = await fixtures(context);
    if (dir === null) return;
    const holders = { 'resnet18.zip.pth': 'state dict (zip)', 'resnet18.legacy.pth': 'state dict (legacy)' };
    for (const [file, holder] of Object.entries(holders)) {
      const description = await describeWeightFile(join(dir, file));
      assert.equal(description.holder, holder);
      assert.equal(description.tensorCount, 102, 'without num_batches_tracked');
      assert.equal(description.parameterCount, RESNET18_PARAMETERS);
      assert.equal(description.architecture.architecture, 'resnet18');
      assert.deepEqual(description.architecture.head, { tensor: 'fc.weight', classes: 1000 });
    }
    const module = await describeWeightFile(join(dir, 'small.module.legacy.pt'));
    assert.equal(module.format, 'pytorch-module');
    assert.equal(module.holder, 'whole module __main__.SmallNet (legacy)');
    assert.equal(module.architecture.architecture, 'unknown');
    assert.deepEqual(module.architecture.head, { tensor: 'classifier.1.weight', classes: 3 });
  });

  it('says what a Keras file holds', async (context) => {
    const dir = await fixtures(context);
    if (dir === null) return;
    const resnet = await describeWeightFile(join(dir, 'resnet50_weights.h5'));
    assert.equal(resnet.holder, 'Keras 2.11.0 weights only');
    assert.equal(resnet.architecture.architecture, 'keras-resnet50');
    assert.deepEqual(resnet.architecture.head, { tensor: 'predictions/kernel', classes: 5 });
    const full = await describeWeightFile(join(dir, 'keras_full.h5'));
    assert.equal(full.holder, 'Keras 2.11.0 full model');
    assert.equal(full.parameterCount, 3 * 3 * 3 * 8 + 8 + 2 * 8 + 8 * 3 + 3);
  });

  it('medtransfer inspect-weights: reads .h5 and .pth files through the bundle, and refuses others', async (context) => {
    const dir = await fixtures(context);
    if (dir === null) return;
    const keras = runCli(['inspect-weights', join(dir, 'resnet50_weights.h5'), '--json']);
    assert.equal(keras.status, 0, keras.stderr);
    const parsed = JSON.parse(keras.stdout) as { architecture: { label: string }; tensorCount: number };
    assert.equal(parsed.architecture.label, "Keras ResNet50 (as RadImageNet's)");
    assert.equal(parsed.tensorCount, 320);
    const torch = runCli(['inspect-weights', join(dir, 'resnet18.module.pt')]);
    assert.equal(torch.status, 0, torch.stderr);
    assert.match(torch.stdout, /whole module torchvision\.models\.resnet\.ResNet \(zip\)/);
    assert.match(torch.stdout, /parameters: +11,689,512/);
    assert.match(torch.stdout, /head: +1000 classes \(fc\.weight\)/);
    const other = runCli(['inspect-weights', join(dir, 'keras_full.reference.json')]);
    assert.equal(other.status, 3);
    assert.match(other.stderr, /keras_full\.reference\.json: not a weight file MedTransfer reads/);
  });
});

describe('guessArchitecture on torchvision state dicts', () => {
  it('knows each torchvision backbone and its 7-class head', async (context) => {
    const dir = await fixtures(context);
    if (dir === null) return;
    const listing = JSON.parse(readFileSync(join(dir, 'torchvision_names.json'), 'utf8')) as Record<
      string,
      Array<[string, number[]]>
    >;
    const ours: Record<string, string> = {
      resnet18: 'resnet18',
      resnet50: 'resnet50',
      densenet121: 'densenet121',
      mobilenet_v2: 'mobilenetv2',
      efficientnet_b0: 'efficientnetb0',
    };
    for (const [name, tensors] of Object.entries(listing)) {
      const guess = guessArchitecture(tensors.map(([tensor, shape]) => ({ name: tensor, shape })));
      assert.equal(guess.architecture, ours[name], name);
      assert.equal(guess.head?.classes, 7, name);
    }
  });
});
