// A state dict that does not fit the architecture stops before any weight is set, with a message
// that names the file, the first tensors that differ and what the file seems to be; old
// DenseNet key names and num_batches_tracked load as torchvision loads them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { buildBase } from '../../../../src/trainer/models/classifier';
import type { TorchvisionArchitectureName } from '../../../../src/trainer/models/architectureTable';
import { SeededRandom } from '../../../../src/trainer/random';
import { loadTorchvisionWeights } from '../../../../src/trainer/weights/loadTorchvisionWeights';
import { readSafetensors } from '../../../../src/trainer/weights/safetensors';
import type { TensorMap } from '../../../../src/trainer/weights/tensorMap';
import { skipMissing } from '../../../support/prerequisites';
import { fixtureWeights, torchvisionFixtures } from '../../../support/torchvisionFixtures';
import type { FixturesResult } from '../../../support/pythonFixtures';
import { useWasm } from '../../../support/wasmTestSetup';

let fixtures: FixturesResult;
before(async () => {
  await useWasm();
  fixtures = await torchvisionFixtures();
});

async function fixture(architecture: TorchvisionArchitectureName): Promise<TensorMap> {
  if ('missing' in fixtures) throw new Error(fixtures.missing);
  return readSafetensors(fixtureWeights(fixtures.dir, architecture));
}

function withKeys(map: TensorMap, rename: (key: string) => string | null): TensorMap {
  const tensors = new Map(
    [...map.tensors].flatMap(([key, entry]) => {
      const renamed = rename(key);
      return renamed === null ? [] : [[renamed, entry] as const];
    }),
  );
  return { ...map, tensors };
}

/** Loads into a fresh base; the error message, or null when it loaded. */
function loadError(architecture: TorchvisionArchitectureName, map: TensorMap, channels = 3): string | null {
  const base = buildBase(architecture, [32, 32, channels], new SeededRandom(1));
  const before = base.getWeights().map((weight) => weight.dataSync()[0]);
  try {
    loadTorchvisionWeights(base, architecture, map, 'weights.safetensors');
    return null;
  } catch (error) {
    assert.deepEqual(
      base.getWeights().map((weight) => weight.dataSync()[0]),
      before,
      'nothing was set',
    );
    return (error as Error).message;
  } finally {
    base.dispose();
  }
}

describe('weights that do not fit', () => {
  it('another architecture: the first missing, extra and reshaped tensors, and what the file is', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const message = loadError('resnet50', await fixture('resnet18'));
    assert.match(message ?? '', /^weights\.safetensors does not fit resnet50\. /);
    assert.match(
      message ?? '',
      /165 tensors missing: layer1\.0\.conv3\.weight, layer1\.0\.downsample\.0\.weight, layer1\.0\.bn3\.weight and 162 more\. /,
    );
    assert.match(
      message ?? '',
      /23 tensors of another shape: layer1\.0\.conv1\.weight is \[64, 64, 3, 3\] in the file, \[64, 64, 1, 1\] here; layer1\.1\.conv1\.weight is /,
    );
    assert.match(
      message ?? '',
      /\. Its classifier head \(fc\.bias, fc\.weight\) is not a dense layer on 2048 features\. /,
    );
    assert.match(message ?? '', /The file seems to be torchvision's resnet18 \(model\.architecture: resnet18\)\.$/);
    assert.match(
      loadError('efficientnetb0', await fixture('mobilenetv2')) ?? '',
      /seems to be torchvision's mobilenet_v2 \(model\.architecture: mobilenetv2\)/,
    );
    assert.match(loadError('mobilenetv2', await fixture('densenet121')) ?? '', /seems to be torchvision's densenet121/);
  });

  it('one tensor missing, one extra: named', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const map = await fixture('resnet18');
    const missing = withKeys(map, (key) => (key === 'layer4.1.bn2.running_var' ? null : key));
    assert.match(
      loadError('resnet18', missing) ?? '',
      /\. 1 tensor missing: layer4\.1\.bn2\.running_var\. The file seems to be torchvision's resnet18/,
    );
    const extra = withKeys(map, (key) => (key === 'layer4.1.bn2.running_var' ? 'layer4.1.bn3.running_var' : key));
    assert.match(
      loadError('resnet18', extra) ?? '',
      /1 tensor missing: layer4\.1\.bn2\.running_var\. 1 tensor that resnet18 does not have: layer4\.1\.bn3\.running_var\. /,
    );
  });

  it('a grey base for an RGB file: the first convolution named, and the channel adapter suggested', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const message = loadError('densenet121', await fixture('densenet121'), 1);
    assert.match(
      message ?? '',
      /1 tensor of another shape: features\.conv0\.weight is \[64, 3, 7, 7\] in the file, \[64, 1, 7, 7\] here\. /,
    );
    assert.match(message ?? '', /\. The base takes 1-channel images: build it with the file's channel count/);
  });

  it('keys under module. (a DataParallel save) are described as such', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const message = loadError(
      'mobilenetv2',
      withKeys(await fixture('mobilenetv2'), (key) => `module.${key}`),
    );
    assert.match(
      message ?? '',
      /seems to be torchvision's mobilenet_v2 \(model\.architecture: mobilenetv2\), with every key under `module\.`/,
    );
  });

  it('old DenseNet names (norm.1, conv.2) load as the new ones; num_batches_tracked is dropped', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const map = await fixture('densenet121');
    assert.ok([...map.tensors.keys()].some((key) => key.endsWith('num_batches_tracked')));
    const old = withKeys(map, (key) => key.replace(/(denselayer\d+\.(?:norm|conv))([12])\./, '$1.$2.'));
    assert.ok(old.tensors.has('features.denseblock1.denselayer1.norm.1.weight'));
    const base = buildBase('densenet121', [32, 32, 3], new SeededRandom(1));
    const { tensors, head } = loadTorchvisionWeights(base, 'densenet121', old, 'old-densenet.pth');
    assert.equal(tensors, base.weights.length);
    assert.deepEqual(head?.keys, ['classifier.bias', 'classifier.weight']);
    const gamma = base.getLayer('features.denseblock1.denselayer1.norm1').getWeights()[0];
    assert.deepEqual(gamma?.dataSync(), map.tensors.get('features.denseblock1.denselayer1.norm1.weight')?.values);
    base.dispose();
    tf.disposeVariables();
  });
});
