// npm run as a child for "Install GPU Backend…", against a fake npm
// (test/fixtures/processes/fakeNpm.mjs): output line by line, the outcome, and cancelling, which must also end the install script npm started
// (tfjs-node's libtensorflow download).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startNpmInstall } from '../../../../src/extension/backends/npmInstallProcess';
import type { NpmCommand } from '../../../../src/extension/backends/npmLocation';
import { isAlive, waitUntil } from '../../../support/polling';
import { fixturesDir } from '../../../support/paths';

const fakeNpm: NpmCommand = {
  command: process.execPath,
  args: [join(fixturesDir, 'processes', 'fakeNpm.mjs')],
  shell: false,
};

describe('startNpmInstall', () => {
  it('reports success and each output line', async () => {
    const lines: string[] = [];
    const outcome = await startNpmInstall({
      npm: fakeNpm,
      args: ['install', 'ok'],
      cwd: tmpdir(),
      onLine: (line) => lines.push(line),
    }).done;
    assert.deepEqual(outcome, { kind: 'succeeded' });
    assert.deepEqual(lines, ['added 1 package in 1s']);
  });

  it('reports a failure with the exit code and npm’s output', async () => {
    const outcome = await startNpmInstall({ npm: fakeNpm, args: ['install', 'fail'], cwd: tmpdir() }).done;
    assert.deepEqual(outcome, {
      kind: 'failed',
      code: 1,
      signal: null,
      output: ['npm error code 1', 'npm error Error: getaddrinfo ENOTFOUND storage.googleapis.com'],
    });
  });

  it('reports an npm that cannot be started', async () => {
    const outcome = await startNpmInstall({
      npm: { command: '/nonexistent/npm', args: [], shell: false },
      args: ['install'],
      cwd: tmpdir(),
    }).done;
    assert.equal(outcome.kind, 'not-started');
    assert.match(
      outcome.kind === 'not-started' ? outcome.error : '',
      /\/nonexistent\/npm could not be started: .*ENOENT/,
    );
  });

  it('cancelling ends npm and the install script it started', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'medtransfer-npm-')), 'pids.json');
    const run = startNpmInstall({ npm: fakeNpm, args: ['install', 'hang', pidFile], cwd: tmpdir() });
    await waitUntil('the pid file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { npm: number; script: number };
    assert.ok(isAlive(pids.script));
    run.cancel();
    assert.deepEqual(await run.done, { kind: 'cancelled' });
    await waitUntil('npm and its install script to end', () => !isAlive(pids.npm) && !isAlive(pids.script));
  });
});
