// The mapping between torchvision's keys and our weights: every weight of every torchvision
// backbone has a key, the key maps back to the same weight (one reversible mapping), and the
// layouts move each element where PyTorch's convolution and linear layers have it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { TORCHVISION_ARCHITECTURES } from '../../../../src/trainer/models/architectureTable';
import type { TorchvisionArchitectureName } from '../../../../src/trainer/models/architectureTable';
import { buildBase } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import {
  kerasWeightOf,
  normalizeTorchKey,
  toKerasLayout,
  torchKeyOf,
  torchShapeOf,
} from '../../../../src/trainer/weights/torchvisionNames';
import { useWasm } from '../../../support/wasmTestSetup';

before(useWasm);

describe('torchvision names', () => {
  for (const architecture of Object.keys(TORCHVISION_ARCHITECTURES) as TorchvisionArchitectureName[]) {
    it(`${architecture}: every weight has a distinct key that maps back to it`, () => {
      const base = buildBase(architecture, [32, 32, 3], new SeededRandom(1));
      const keys = new Set<string>();
      for (const layer of base.layers) {
        for (const variable of layer.weights) {
          const weight = variable.originalName.split('/').pop() ?? '';
          const key = torchKeyOf(layer.name, weight);
          assert.ok(!keys.has(key), `${key} twice`);
          keys.add(key);
          assert.deepEqual(kerasWeightOf(key, layer.getClassName()), { layer: layer.name, weight });
        }
      }
      base.dispose();
    });
  }

  it('drops num_batches_tracked and renames old DenseNet keys as torchvision does', () => {
    assert.equal(normalizeTorchKey('layer1.0.bn1.num_batches_tracked'), null);
    assert.equal(
      normalizeTorchKey('features.denseblock2.denselayer11.norm.2.running_var'),
      'features.denseblock2.denselayer11.norm2.running_var',
    );
    assert.equal(normalizeTorchKey('features.transition1.norm.weight'), 'features.transition1.norm.weight');
  });

  it('convolution [out, in, h, w] → [h, w, in, out], depthwise [c, 1, h, w] → [h, w, c, 1], dense [out, in] → [in, out]', () => {
    const torch = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, index) => index);
    const kernel = toKerasLayout('kernel', [2, 3, 2, 2], torch);
    // Element [o, i, h, w] of torch's is at [h, w, i, o] in ours.
    for (let o = 0; o < 2; o++)
      for (let i = 0; i < 3; i++)
        for (let h = 0; h < 2; h++)
          for (let w = 0; w < 2; w++)
            assert.equal(kernel[((h * 2 + w) * 3 + i) * 2 + o], torch[((o * 3 + i) * 2 + h) * 2 + w]);
    assert.deepEqual(torchShapeOf('kernel', [2, 2, 3, 2]), [2, 3, 2, 2]);
    const depthwise = toKerasLayout('depthwise_kernel', [3, 1, 2, 2], torch.subarray(0, 12));
    for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++) assert.equal(depthwise[p * 3 + c], torch[c * 4 + p]);
    assert.deepEqual(torchShapeOf('depthwise_kernel', [2, 2, 3, 1]), [3, 1, 2, 2]);
    assert.deepEqual(Array.from(toKerasLayout('kernel', [2, 3], torch.subarray(0, 6))), [0, 3, 1, 4, 2, 5]);
    assert.deepEqual(torchShapeOf('kernel', [3, 2]), [2, 3]);
    assert.deepEqual(Array.from(toKerasLayout('gamma', [3], torch.subarray(0, 3))), [0, 1, 2]);
  });
});
