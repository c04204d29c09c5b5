// Whether a run's pid is still its trainer, against real processes: a script named cli.js
// started as the host starts the trainer (`cli.js run FILE … --run-id ID`, `cli.js resume DIR`),
// a live process that is not a trainer (pid reuse), and a dead pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkTrainerPid, isTrainerCommandLine, processStartTime } from '../../../src/extension/runs/trainerPid';

const linux = process.platform === 'linux';
const root = mkdtempSync(join(tmpdir(), 'medtransfer-pid-'));
const cli = join(root, 'dist', 'cli.js');
mkdirSync(join(root, 'dist'));
writeFileSync(cli, 'setInterval(() => undefined, 1000);\n');
const runDir = join(root, 'runs', 'demo', '20261124-101500');
mkdirSync(runDir, { recursive: true });
const children: ChildProcess[] = [];

function startProcess(args: string[], cwd = root): ChildProcess {
  const child = spawn(process.execPath, args, { cwd, stdio: 'ignore' });
  children.push(child);
  return child;
}

async function waitForProc(pid: number): Promise<void> {
  // The command line is in /proc once the exec is done.
  if (!linux) return;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (checkTrainerPid(pid, { runId: '20261124-101500', runDir, namedAt: null }) === 'our-trainer') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

after(() => children.forEach((child) => child.kill('SIGKILL')));

describe('checkTrainerPid', { skip: !linux && 'the /proc checks are Linux-only' }, () => {
  it("knows a trainer of the run, and tells it from another run's trainer and from pid reuse", async () => {
    const child = startProcess([
      cli,
      'run',
      'demo.experiment.yaml',
      '--runs-dir',
      'runs',
      '--run-id',
      '20261124-101500',
      '--no-progress',
    ]);
    const pid = child.pid ?? -1;
    await waitForProc(pid);
    const now = new Date().toISOString();
    assert.equal(checkTrainerPid(pid, { runId: '20261124-101500', runDir, namedAt: now }), 'our-trainer');
    assert.equal(checkTrainerPid(pid, { runId: '20261124-999999', runDir, namedAt: now }), 'other-process');
    // The process started an hour after the event that named its pid: a reused pid.
    assert.equal(
      checkTrainerPid(pid, {
        runId: '20261124-101500',
        runDir,
        namedAt: new Date(Date.now() - 3_600_000).toISOString(),
      }),
      'other-process',
    );
    // Started long before its own run-started event: not that trainer either.
    assert.equal(
      checkTrainerPid(pid, {
        runId: '20261124-101500',
        runDir,
        namedAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      'other-process',
    );
    const started = processStartTime(pid);
    assert.ok(started !== null && Math.abs(started - Date.now()) < 10_000, `start time ${started} is about now`);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(checkTrainerPid(pid, { runId: '20261124-101500', runDir, namedAt: now }), 'dead');
  });

  it('knows a resumed trainer by its run folder, relative to its working folder', async () => {
    const child = startProcess([
      join('dist', 'cli.js'),
      'resume',
      join('runs', 'demo', '20261124-101500'),
      '--no-progress',
    ]);
    const pid = child.pid ?? -1;
    await waitForProc(pid);
    assert.equal(checkTrainerPid(pid, { runId: '20261124-101500', runDir, namedAt: null }), 'our-trainer');
    assert.equal(
      checkTrainerPid(pid, {
        runId: '20261124-101500',
        runDir: join(root, 'runs', 'other', '20261124-101500'),
        namedAt: null,
      }),
      'other-process',
    );
  });

  it('never takes a live process that is not a trainer for one', () => {
    assert.equal(checkTrainerPid(process.pid, { runId: '20261124-101500', runDir, namedAt: null }), 'other-process');
    assert.equal(checkTrainerPid(1, { runId: '20261124-101500', runDir, namedAt: null }), 'other-process');
    assert.equal(checkTrainerPid(-5, { runId: '20261124-101500', runDir, namedAt: null }), 'dead');
  });
});

describe('isTrainerCommandLine', () => {
  const expected = { runId: '20261124-101500', runDir: '/w/runs/demo/20261124-101500' };
  const cases: [string[], boolean][] = [
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', 'a.yaml', '--run-id', '20261124-101500'], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', 'a.yaml', '--run-id=20261124-101500'], true],
    [['/usr/bin/node', '/usr/local/bin/medtransfer', 'run', 'a.yaml'], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', 'a.yaml', '--run-id', '20261124-101501'], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'resume', '/w/runs/demo/20261124-101500', '--backend', 'wasm'], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'resume', '/w/runs/other/20261124-101500'], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'evaluate', '/w/runs/demo/20261124-101500'], false],
    [['/usr/bin/python3', 'train.py', '--run-id', '20261124-101500'], false],
    [['/bin/sleep', '1000'], false],
  ];
  for (const [args, result] of cases) {
    it(`${result ? 'accepts' : 'refuses'} ${args.slice(1).join(' ')}`, () =>
      assert.equal(isTrainerCommandLine(args, expected, '/w'), result));
  }
});
