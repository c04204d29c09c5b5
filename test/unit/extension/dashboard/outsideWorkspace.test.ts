// Paths outside the workspace are allowed but shown: which of a run's paths the header marks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathsOutsideWorkspace, runPaths } from '../../../../src/extension/dashboard/outsideWorkspace';

describe('paths outside the workspace', () => {
  const settings = {
    'target.dataset.path': '/data/chest',
    'source.dataset.path': '/ws/data/source.npz',
    pretrained: '/ws-other/model',
    'target.dataset.labels': '/data/chest/labels.csv',
    seed: 7,
  };

  it('lists the run folder, the experiment file and every data path of the experiment', () => {
    assert.deepEqual(
      runPaths('/ws/runs/a/1', '/ws/a.experiment.yaml', settings).map(({ what }) => what),
      ['run folder', 'experiment file', 'source data', 'target data', 'target labels', 'pretrained model'],
    );
  });

  it('marks the ones in no workspace folder (a sibling folder with the same prefix included)', () => {
    const outside = pathsOutsideWorkspace(runPaths('/ws/runs/a/1', '/ws/a.experiment.yaml', settings), ['/ws']);
    assert.deepEqual(outside, [
      { what: 'target data', path: '/data/chest' },
      { what: 'target labels', path: '/data/chest/labels.csv' },
      { what: 'pretrained model', path: '/ws-other/model' },
    ]);
    assert.deepEqual(
      pathsOutsideWorkspace(runPaths('/ws/runs/a/1', null, settings), ['/ws', '/data', '/ws-other']),
      [],
    );
  });

  it('marks everything when no folder is open', () => {
    assert.equal(pathsOutsideWorkspace(runPaths('/r/a/1', null, {}), []).length, 1);
  });
});
