// What the extension asks of the trainer: the runs folder and run id, the backend unless the
// setting is auto, the backend folders, always --no-progress (the host reads lines, not a bar).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainerCommandLine } from '../../../../src/shared/host/trainerCommandLine';
import {
  toBackendChoice,
  trainerResumeRequest,
  trainerRunRequest,
} from '../../../../src/extension/trainer/trainerRequests';

describe('trainer requests', () => {
  it('passes the runs folder and run id, and the backend unless auto', () => {
    const base = { experimentFile: '/ws/a b.experiment.yaml', runsRoot: '/ws/runs', runId: '20261124-101500' };
    assert.deepEqual(trainerCommandLine(trainerRunRequest({ ...base, backend: 'auto' })), [
      'run',
      '/ws/a b.experiment.yaml',
      '--runs-dir',
      '/ws/runs',
      '--run-id',
      '20261124-101500',
      '--no-progress',
    ]);
    assert.deepEqual(trainerCommandLine(trainerRunRequest({ ...base, backend: 'wasm' })).slice(-3), [
      '--backend',
      'wasm',
      '--no-progress',
    ]);
  });

  it('resumes a run folder with the backend setting and backend folders', () => {
    assert.deepEqual(
      trainerCommandLine(trainerResumeRequest({ runDir: '/ws/runs/a/20261124-101500', backend: 'auto' })),
      ['resume', '/ws/runs/a/20261124-101500', '--no-progress'],
    );
    assert.deepEqual(trainerCommandLine(trainerResumeRequest({ runDir: '/r', backend: 'cpu', backendPaths: ['/b'] })), [
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
