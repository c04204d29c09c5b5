import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentFileStem, isExperimentFile } from '../../../../src/extension/experiments/experimentFiles';
import { summarizeExperiment } from '../../../../src/extension/experiments/experimentSummary';

describe('experiment files', () => {
  it('recognizes experiment files by name', () => {
    for (const name of ['/a/demo.experiment.yaml', 'b.experiment.yml', 'C.Experiment.JSON'])
      assert.ok(isExperimentFile(name), name);
    for (const name of ['/a/experiment.yaml', 'demo.yaml', 'demo.experiment.yaml.bak', '/runs/demo/1/experiment.json'])
      assert.ok(!isExperimentFile(name), name);
    assert.equal(experimentFileStem('/a/chest.experiment.yaml'), 'chest');
  });

  it('summarizes a valid file', () => {
    const summary = summarizeExperiment(
      'name: demo\ndescription: Few-shot\nmodel: { architecture: resnet-small }\nsource: { dataset: { type: synthetic, task: source } }\ntarget: { dataset: { type: medmnist, path: d.npz } }\nfineTune: { strategy: partial }\n',
    );
    assert.deepEqual(summary, {
      name: 'demo',
      valid: true,
      diagnostics: [],
      description: 'Few-shot',
      architecture: 'resnet-small',
      strategy: 'partial',
      target: 'medmnist d.npz',
    });
  });

  it('still reads the name of an invalid file, so its runs stay visible', () => {
    const summary = summarizeExperiment('name: demo\nmodel: { architecture: nope }\n');
    assert.equal(summary.valid, false);
    assert.equal(summary.name, 'demo');
    assert.ok(summary.diagnostics.length > 0);
  });

  it('has no name when the file has none usable', () => {
    assert.equal(summarizeExperiment('name: has spaces\n').name, null);
    assert.equal(summarizeExperiment('name: [1, 2]\n').name, null);
    assert.equal(summarizeExperiment('{{{').name, null);
    assert.equal(summarizeExperiment('').name, null);
  });
});
