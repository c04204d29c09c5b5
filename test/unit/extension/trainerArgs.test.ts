import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toBackendChoice, trainerResumeArgs, trainerRunArgs } from '../../../src/extension/trainer/trainerArgs';

describe('trainer command line', () => {
  it('passes the runs folder and run id, and the backend unless auto', () => {
    const base = { experimentFile: '/ws/a b.experiment.yaml', runsRoot: '/ws/runs', runId: '20261124-101500' };
    assert.deepEqual(trainerRunArgs({ ...base, backend: 'auto' }), [
      'run',
      '/ws/a b.experiment.yaml',
      '--runs-dir',
      '/ws/runs',
      '--run-id',
      '20261124-101500',
      '--no-progress',
    ]);
    assert.deepEqual(trainerRunArgs({ ...base, backend: 'wasm' }).slice(-3), ['--backend', 'wasm', '--no-progress']);
  });

  it('resumes a run folder with the backend setting and backend folders', () => {
    assert.deepEqual(trainerResumeArgs({ runDir: '/ws/runs/a/20261124-101500', backend: 'auto' }), [
      'resume',
      '/ws/runs/a/20261124-101500',
      '--no-progress',
    ]);
    assert.deepEqual(trainerResumeArgs({ runDir: '/r', backend: 'cpu', backendPaths: ['/b'] }), [
      'resume',
      '/r',
      '--backend',
      'cpu',
      '--backend-path',
      '/b',
      '--no-progress',
    ]);
  });

  it('reads unknown backend settings as auto', () => {
    assert.equal(toBackendChoice('webgpu'), 'webgpu');
    assert.equal(toBackendChoice('cuda'), 'auto');
    assert.equal(toBackendChoice(undefined), 'auto');
  });
});
