// Where `pretrained`'s value is, resolved as the trainer resolves it, and where completion applies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPretrainedValueAt, pretrainedValueOf } from '../../../../src/extension/weights/pretrainedValue';

describe('pretrainedValueOf', () => {
  it('finds the value, resolves it against the experiment folder and reads the architecture and preprocessing', () => {
    const text = 'name: a\nmodel: { architecture: resnet50 }\npretrained: ../weights/r.h5\npreprocessing: caffe\n';
    const value = pretrainedValueOf(text, '/work/experiments');
    assert.ok(value);
    assert.equal(value.path, '/work/weights/r.h5');
    assert.equal(text.slice(value.start, value.end), '../weights/r.h5');
    assert.deepEqual([value.architecture, value.preprocessing], ['resnet50', 'caffe']);
    assert.equal(pretrainedValueOf('name: a\npretrained: /abs/w.pth\n', '/x')?.path, '/abs/w.pth');
    assert.equal(pretrainedValueOf('name: a\n', '/x'), null);
    assert.equal(pretrainedValueOf('name: a\npretrained:\n', '/x'), null);
  });

  it('offers completion after `pretrained:` only', () => {
    const text = 'name: a\npretrained: wei\nsource: x\n';
    assert.equal(isPretrainedValueAt(text, text.indexOf('wei') + 3), true);
    assert.equal(isPretrainedValueAt(text, text.indexOf('wei')), true);
    assert.equal(isPretrainedValueAt(text, text.indexOf('source: ') + 8), false);
    assert.equal(isPretrainedValueAt(text, 4), false);
  });
});
