// Which npm installs a backend (the one beside the trainer's Node, else the one on PATH) and the
// command line it gets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findNpm, npmCommandLine, npmInstallArgs } from '../../../../src/extension/backends/npmLocation';

const existing = (...paths: string[]) => {
  const set = new Set(paths);
  return (path: string) => set.has(path);
};

describe('findNpm', () => {
  it('runs npm-cli.js with the Node set in medtransfer.nodePath (nvm, system installs)', () => {
    const npm = findNpm({
      nodePath: '/home/ana/.nvm/versions/node/v20.19.0/bin/node',
      pathEnv: '/usr/bin',
      platform: 'linux',
      exists: existing('/home/ana/.nvm/versions/node/v20.19.0/lib/node_modules/npm/bin/npm-cli.js', '/usr/bin/npm'),
    });
    assert.deepEqual(npm, {
      command: '/home/ana/.nvm/versions/node/v20.19.0/bin/node',
      args: ['/home/ana/.nvm/versions/node/v20.19.0/lib/node_modules/npm/bin/npm-cli.js'],
      shell: false,
    });
  });

  it('takes the npm script beside that Node when npm-cli.js is elsewhere (Homebrew)', () => {
    const npm = findNpm({
      nodePath: '/opt/homebrew/bin/node',
      pathEnv: '',
      platform: 'darwin',
      exists: existing('/opt/homebrew/bin/npm'),
    });
    assert.deepEqual(npm, { command: '/opt/homebrew/bin/npm', args: [], shell: false });
  });

  it('falls back to npm on PATH (VS Code’s own runtime has none)', () => {
    assert.deepEqual(
      findNpm({
        nodePath: '',
        pathEnv: '/usr/local/sbin:/usr/local/bin:/usr/bin',
        platform: 'linux',
        exists: existing('/usr/bin/npm', '/usr/local/bin/node'),
      }),
      {
        command: '/usr/bin/npm',
        args: [],
        shell: false,
      },
    );
  });

  it('on Windows prefers node.exe + npm-cli.js over the npm.cmd shim, which needs a shell', () => {
    const nodeDir = 'C:\\Program Files\\nodejs';
    const cli = `${nodeDir}/node_modules/npm/bin/npm-cli.js`;
    assert.deepEqual(
      findNpm({
        nodePath: '',
        pathEnv: `C:\\Windows;${nodeDir}`,
        platform: 'win32',
        exists: existing(cli, `${nodeDir}/node.exe`),
      }),
      {
        command: `${nodeDir}/node.exe`,
        args: [cli],
        shell: false,
      },
    );
    assert.deepEqual(
      findNpm({ nodePath: '', pathEnv: 'C:\\tools', platform: 'win32', exists: existing('C:\\tools/npm.cmd') }),
      { command: 'C:\\tools/npm.cmd', args: [], shell: true },
    );
  });

  it('is undefined when there is no npm anywhere', () => {
    assert.equal(
      findNpm({ nodePath: '/x/bin/node', pathEnv: '/usr/bin', platform: 'linux', exists: () => false }),
      undefined,
    );
  });
});

describe('npm install command line', () => {
  it('installs into the prefix, saving exact versions so that a later install keeps this one', () => {
    assert.deepEqual(npmInstallArgs('/g/backends', ['@tensorflow/tfjs-node-gpu@4.22.0']), [
      'install',
      '--save-exact',
      '--no-audit',
      '--no-fund',
      '--foreground-scripts',
      '--prefix',
      '/g/backends',
      '@tensorflow/tfjs-node-gpu@4.22.0',
    ]);
    assert.equal(
      npmCommandLine('/Application Support/backends', ['@tensorflow/tfjs-node@4.22.0']),
      'npm install --save-exact --no-audit --no-fund --foreground-scripts --prefix "/Application Support/backends" @tensorflow/tfjs-node@4.22.0',
    );
  });
});
