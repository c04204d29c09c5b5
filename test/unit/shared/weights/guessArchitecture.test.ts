// The architecture guess from names and shapes alone, on Keras applications' layer names as
// keras.applications builds them (DenseNet121, InceptionV3), with and without their heads. The
// torchvision families are checked on torchvision's real state dicts in the integration tier.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guessArchitecture } from '../../../../src/shared/weights/guessArchitecture';
import type { NamedShape } from '../../../../src/shared/weights/guessArchitecture';

function norm(layer: string, channels: number): NamedShape[] {
  return ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((weight) => ({
    name: `${layer}/${weight}`,
    shape: [channels],
  }));
}

function kerasDenseNet121(): NamedShape[] {
  const tensors: NamedShape[] = [{ name: 'conv1/conv/kernel', shape: [7, 7, 3, 64] }, ...norm('conv1/bn', 64)];
  let channels = 64;
  [6, 12, 24, 16].forEach((blocks, index) => {
    const stage = index + 2;
    for (let block = 1; block <= blocks; block++) {
      const prefix = `conv${stage}_block${block}`;
      tensors.push(...norm(`${prefix}_0_bn`, channels), {
        name: `${prefix}_1_conv/kernel`,
        shape: [1, 1, channels, 128],
      });
      tensors.push(...norm(`${prefix}_1_bn`, 128), { name: `${prefix}_2_conv/kernel`, shape: [3, 3, 128, 32] });
      channels += 32;
    }
    if (stage < 5) {
      tensors.push(...norm(`pool${stage}_bn`, channels), {
        name: `pool${stage}_conv/kernel`,
        shape: [1, 1, channels, channels / 2],
      });
      channels /= 2;
    }
  });
  return [...tensors, ...norm('bn', channels)];
}

function kerasInceptionV3(): NamedShape[] {
  return Array.from({ length: 94 }, (_, index) => {
    const suffix = index === 0 ? '' : `_${index}`;
    return [
      { name: `conv2d${suffix}/kernel`, shape: index === 0 ? [3, 3, 3, 32] : [1, 1, 32, 32] },
      ...norm(`batch_normalization${suffix}`, 32),
    ];
  }).flat();
}

describe('guessArchitecture', () => {
  it("knows Keras' DenseNet121 as RadImageNet ships it (no head) and with a head", () => {
    const notop = guessArchitecture(kerasDenseNet121());
    assert.equal(notop.architecture, 'keras-densenet121');
    assert.equal(notop.head, null);
    const top = guessArchitecture([
      ...kerasDenseNet121(),
      { name: 'predictions/kernel', shape: [1024, 1000] },
      { name: 'predictions/bias', shape: [1000] },
    ]);
    assert.deepEqual(top.head, { tensor: 'predictions/kernel', classes: 1000 });
  });

  it("knows Keras' InceptionV3 by its 94 numbered convolutions", () => {
    assert.equal(guessArchitecture(kerasInceptionV3()).architecture, 'keras-inceptionv3');
    assert.equal(guessArchitecture(kerasInceptionV3().slice(5)).architecture, 'unknown');
  });

  it('says unknown, with the depths it found, for a DenseNet of another depth', () => {
    const fewer = kerasDenseNet121().filter((tensor) => !tensor.name.startsWith('conv5_block16_'));
    const guess = guessArchitecture(fewer);
    assert.equal(guess.architecture, 'unknown');
    assert.match(guess.label, /\[6,12,24,15\]/);
  });

  it('says unknown for no tensors', () => {
    assert.deepEqual(guessArchitecture([]), { architecture: 'unknown', label: 'empty (no tensors)', head: null });
  });

  it("names torchvision's models we do not build, keys under module., and timm's names", () => {
    const resnet34 = [3, 4, 6, 3].flatMap((depth, stage) =>
      Array.from({ length: depth }, (_, block) => ({
        name: `layer${stage + 1}.${block}.conv1.weight`,
        shape: [64, 64, 3, 3],
      })),
    );
    const guess = guessArchitecture([
      ...resnet34,
      { name: 'fc.weight', shape: [10, 512] },
      { name: 'fc.bias', shape: [10] },
    ]);
    assert.deepEqual(guess, {
      architecture: 'unknown',
      label: "torchvision's resnet34",
      head: { tensor: 'fc.weight', classes: 10 },
    });
    const wrapped = guessArchitecture(
      resnet34.map((tensor) => ({ ...tensor, name: `module.${tensor.name}` })).slice(0, 4),
    );
    assert.equal(wrapped.architecture, 'unknown');
    assert.match(
      wrapped.label,
      /^a ResNet with basic blocks \[3,1\], with every key under `module\.` \(save the inner/,
    );
    assert.match(guessArchitecture([{ name: 'conv_stem.weight', shape: [32, 3, 3, 3] }]).label, /^timm's names/);
  });
});
