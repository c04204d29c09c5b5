// Where the trainer looks for optional backends, on a fake file system: the folders given first,
// then MEDTRANSFER_BACKEND_PATHS, the experiment's workspace (node_modules up the tree), the global
// npm folders (npm's configured prefix, the running Node's prefix, NODE_PATH); only existing ones,
// each once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backendSearchPaths,
  globalNodeModules,
  workspaceNodeModules,
} from '../../../../src/trainer/backend/searchPaths';
import type { SearchPathInputs } from '../../../../src/trainer/backend/searchPaths';

function inputs(existing: string[], overrides: Partial<SearchPathInputs> = {}): SearchPathInputs {
  const folders = new Set(existing);
  return {
    given: [],
    env: {},
    execPath: '/usr/local/bin/node',
    platform: 'linux',
    cwd: '/home/ana',
    home: '/home/ana',
    exists: (path) => folders.has(path),
    readText: () => undefined,
    ...overrides,
  };
}

describe('backendSearchPaths', () => {
  it('orders given folders, the environment, the workspace, then the global folders; drops missing and repeated ones', () => {
    const paths = backendSearchPaths(
      inputs(
        [
          '/opt/tf',
          '/home/ana/gpu/node_modules',
          '/srv/shared',
          '/home/ana/ws/node_modules',
          '/home/ana/node_modules',
          '/usr/local/lib/node_modules',
          '/mnt/np',
        ],
        {
          given: ['/opt/tf', 'gpu/node_modules', '/does/not/exist'],
          env: { MEDTRANSFER_BACKEND_PATHS: '/srv/shared::/opt/tf', NODE_PATH: '/mnt/np' },
          experimentFile: 'ws/experiments/chest.experiment.yaml',
        },
      ),
    );
    assert.deepEqual(paths, [
      '/opt/tf',
      '/home/ana/gpu/node_modules',
      '/srv/shared',
      '/home/ana/ws/node_modules',
      '/home/ana/node_modules',
      '/usr/local/lib/node_modules',
      '/mnt/np',
    ]);
  });

  it('expands ~ in given folders', () => {
    assert.deepEqual(
      backendSearchPaths(inputs(['/home/ana/backends/node_modules'], { given: ['~/backends/node_modules'] })),
      ['/home/ana/backends/node_modules'],
    );
  });

  it('needs no experiment file', () => {
    assert.deepEqual(backendSearchPaths(inputs(['/usr/local/lib/node_modules'])), ['/usr/local/lib/node_modules']);
  });
});

describe('workspaceNodeModules', () => {
  it('finds node_modules in the folder and every folder above, nearest first', () => {
    const existing = new Set(['/w/a/b/node_modules', '/w/node_modules', '/node_modules']);
    assert.deepEqual(
      workspaceNodeModules('/w/a/b', (path) => existing.has(path)),
      ['/w/a/b/node_modules', '/w/node_modules', '/node_modules'],
    );
  });
});

describe('globalNodeModules', () => {
  const base = { env: {}, home: '/home/ana', readText: () => undefined };

  it('derives the global folder from the running Node, as npm does (nvm, system, Windows)', () => {
    assert.deepEqual(
      globalNodeModules({ ...base, execPath: '/home/ana/.nvm/versions/node/v20.19.0/bin/node', platform: 'linux' }),
      ['/home/ana/.nvm/versions/node/v20.19.0/lib/node_modules'],
    );
    assert.deepEqual(globalNodeModules({ ...base, execPath: '/usr/bin/node', platform: 'linux' }), [
      '/usr/lib/node_modules',
    ]);
    assert.deepEqual(globalNodeModules({ ...base, execPath: '/Program Files/nodejs/node.exe', platform: 'win32' }), [
      '/Program Files/nodejs/node_modules',
    ]);
  });

  it('puts npm’s configured prefix first: from the environment, else from ~/.npmrc', () => {
    const fromEnv = globalNodeModules({
      ...base,
      env: { npm_config_prefix: '~/.npm-global' },
      execPath: '/usr/bin/node',
      platform: 'linux',
    });
    assert.deepEqual(fromEnv, ['/home/ana/.npm-global/lib/node_modules', '/usr/lib/node_modules']);
    const npmrc = (path: string) =>
      path === '/home/ana/.npmrc' ? 'registry=https://example.org/\nprefix = ${HOME}/.local\n' : undefined;
    assert.deepEqual(globalNodeModules({ ...base, readText: npmrc, execPath: '/usr/bin/node', platform: 'linux' }), [
      '/home/ana/.local/lib/node_modules',
      '/usr/lib/node_modules',
    ]);
  });

  it('adds NODE_PATH, split like PATH for the platform', () => {
    assert.deepEqual(
      globalNodeModules({ ...base, env: { NODE_PATH: '/a:/b' }, execPath: '/usr/bin/node', platform: 'linux' }).slice(
        1,
      ),
      ['/a', '/b'],
    );
    assert.deepEqual(
      globalNodeModules({
        ...base,
        env: { NODE_PATH: 'C:\\a;D:\\b' },
        execPath: 'C:\\node\\node.exe',
        platform: 'win32',
      }).slice(1),
      ['C:\\a', 'D:\\b'],
    );
  });
});
