// The folders the extension passes to the trainer as --backend-path: the setting's, then the
// install command's folder in global storage, always.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendsInstallFolder, trainerBackendPaths } from '../../../../src/extension/backends/backendFolders';
import { trainerCommandLine } from '../../../../src/shared/host/trainerCommandLine';
import { trainerRunRequest } from '../../../../src/extension/trainer/trainerRequests';

const STORAGE = '/home/ana/.config/Code/User/globalStorage/medtransfer.medtransfer';

describe('trainerBackendPaths', () => {
  it('always adds <globalStorage>/backends/node_modules after the setting’s folders', () => {
    assert.equal(backendsInstallFolder(STORAGE), `${STORAGE}/backends`);
    assert.deepEqual(trainerBackendPaths([], STORAGE, '/home/ana'), [`${STORAGE}/backends/node_modules`]);
    assert.deepEqual(
      trainerBackendPaths(['/opt/tfjs', ' ~/gpu/node_modules ', '', '/opt/tfjs'], STORAGE, '/home/ana'),
      ['/opt/tfjs', '/home/ana/gpu/node_modules', `${STORAGE}/backends/node_modules`],
    );
  });
});

describe('trainer command line with backend folders', () => {
  it('passes each folder as --backend-path, before --no-progress', () => {
    const args = trainerCommandLine(
      trainerRunRequest({
        experimentFile: '/ws/a.experiment.yaml',
        runsRoot: '/ws/runs',
        runId: 'r1',
        backend: 'auto',
        backendPaths: ['/opt/tfjs', '/s p/node_modules'],
      }),
    );
    assert.deepEqual(args, [
      'run',
      '/ws/a.experiment.yaml',
      '--runs-dir',
      '/ws/runs',
      '--run-id',
      'r1',
      '--backend-path',
      '/opt/tfjs',
      '--backend-path',
      '/s p/node_modules',
      '--no-progress',
    ]);
  });
});
