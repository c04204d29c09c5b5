// Every file the New Experiment flow can write is a valid experiment that says what was chosen.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARCHITECTURES, STRATEGIES } from '../../../../src/shared/experiment/schema';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import {
  newExperimentText,
  suggestExperimentName,
  validateExperimentName,
} from '../../../../src/extension/experiments/newExperimentText';
import type { NewDataset } from '../../../../src/extension/experiments/newExperimentText';

const DATASETS: NewDataset[] = [
  { type: 'synthetic' },
  { type: 'medmnist', path: '../data/pneumoniamnist-subset.npz' },
  { type: 'idx', path: '/usr/share/datasets/fashion-mnist' },
  { type: 'folder', path: 'data/x-ray images (2024)' },
];

describe('new experiment file', () => {
  for (const dataset of DATASETS) {
    for (const architecture of ARCHITECTURES) {
      for (const strategy of STRATEGIES) {
        it(`is valid for ${dataset.type}, ${architecture}, ${strategy}`, () => {
          const text = newExperimentText({ name: 'my-exp', dataset, architecture, strategy });
          const parsed = parseExperiment(text);
          assert.ok(
            parsed.ok,
            parsed.ok
              ? ''
              : parsed.diagnostics.map((problem) => `${problem.start.line}: ${problem.message}`).join('\n'),
          );
          assert.equal(parsed.experiment.name, 'my-exp');
          assert.equal(parsed.experiment.model.architecture, architecture);
          assert.equal(parsed.experiment.fineTune.strategy, strategy);
          assert.equal(parsed.experiment.target.dataset.type, dataset.type);
          if (dataset.type !== 'synthetic')
            assert.equal(
              'path' in parsed.experiment.target.dataset ? parsed.experiment.target.dataset.path : null,
              dataset.path,
            );
          assert.match(text, /^# /, 'starts with a comment saying what the file is');
        });
      }
    }
  }

  it('validates and suggests names that can name a runs folder', () => {
    assert.equal(validateExperimentName('chest-xray_v2.1'), null);
    assert.match(validateExperimentName('') ?? '', /name/);
    assert.match(validateExperimentName('has space') ?? '', /letters, digits/);
    assert.match(validateExperimentName('-dash') ?? '', /starting with/);
    assert.match(validateExperimentName('x'.repeat(81)) ?? '', /80/);
    assert.equal(suggestExperimentName({ type: 'synthetic' }), 'synthetic-transfer');
    assert.equal(
      suggestExperimentName({ type: 'medmnist', path: '../data/pneumoniamnist-subset.npz' }),
      'pneumoniamnist-subset-fewshot',
    );
    assert.equal(
      suggestExperimentName({ type: 'folder', path: 'data/x-ray images (2024)' }),
      'x-ray-images-2024-fewshot',
    );
    for (const dataset of DATASETS) assert.equal(validateExperimentName(suggestExperimentName(dataset)), null);
  });
});
