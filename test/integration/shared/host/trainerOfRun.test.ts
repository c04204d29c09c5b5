// Is a run's pid still its trainer? Against real processes: a script named cli.js started as the
// host starts the trainer (`cli.js run FILE … --run-id ID`, `cli.js resume DIR`); the same
// command line for another run (another run id, another runs folder); a process of another user
// (EPERM), seen by a checker that runs as `nobody`; a pid really reused by a later process with
// the very same command line; a dead pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { processStartTime, readProcProcess } from '../../../../src/shared/host/procProcess';
import { checkTrainerOfRun, isTrainerCommandLine } from '../../../../src/shared/host/trainerOfRun';
import type { ExpectedTrainer } from '../../../../src/shared/host/trainerOfRun';
import { trainerCommandLine } from '../../../../src/shared/host/trainerCommandLine';
import { waitUntil } from '../../../support/polling';
import { skipIfMissing } from '../../../support/prerequisites';

const linux = process.platform === 'linux';
const RUN_ID = '20261124-101500';
const NOBODY = 65534;
const root = mkdtempSync(join(tmpdir(), 'medtransfer-pid-'));
// Readable by `nobody`, for the checks that run as another user.
chmodSync(root, 0o755);
const cli = join(root, 'dist', 'cli.js');
mkdirSync(join(root, 'dist'));
writeFileSync(cli, 'setInterval(() => undefined, 1000);\n');
const runDir = join(root, 'runs', 'demo', RUN_ID);
mkdirSync(runDir, { recursive: true });
const children: ChildProcess[] = [];
after(() => {
  children.forEach((child) => child.kill('SIGKILL'));
  rmSync(root, { recursive: true, force: true });
});

const expected = (overrides: Partial<ExpectedTrainer> = {}): ExpectedTrainer => ({
  runId: RUN_ID,
  runDir,
  namedAt: new Date().toISOString(),
  ...overrides,
});

/** The command line the extension gives its trainer, with paths relative to `root`. */
const runArgs = (runId = RUN_ID, runsDir = 'runs') =>
  trainerCommandLine({
    command: 'run',
    positionals: ['demo.experiment.yaml'],
    flags: { 'runs-dir': runsDir, 'run-id': runId, 'no-progress': true },
  });

function startProcess(args: string[], options: SpawnOptions = {}, command = process.execPath): ChildProcess {
  const child = spawn(command, args, { cwd: root, stdio: 'ignore', ...options });
  children.push(child);
  return child;
}

/** Resolves once /proc shows the child's own command line (the exec is done). */
async function started(child: ChildProcess): Promise<number> {
  const pid = child.pid ?? -1;
  await waitUntil(
    `pid ${pid} to run cli.js`,
    () => {
      const args = readProcProcess(pid)?.args ?? [];
      return args[0] === process.execPath && args.includes(cli);
    },
    { timeoutMs: 10_000 },
  );
  return pid;
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exit;
}

describe('checkTrainerOfRun', { skip: !linux && 'the /proc checks are Linux-only' }, () => {
  it("knows a trainer of the run, and tells it from another run's trainer and from an old event", async () => {
    const child = startProcess([cli, ...runArgs()]);
    const pid = await started(child);
    assert.equal(checkTrainerOfRun(pid, expected()), 'our-trainer');
    // The same command line, but the run id of another run: not that run's trainer.
    assert.equal(checkTrainerOfRun(pid, expected({ runId: '20261124-999999' })), 'other-process');
    // The same run id in another runs folder (two experiments started in the same second).
    assert.equal(
      checkTrainerOfRun(pid, expected({ runDir: join(root, 'elsewhere', 'demo', RUN_ID) })),
      'other-process',
    );
    // The process started an hour after the event that named its pid: a reused pid.
    assert.equal(
      checkTrainerOfRun(pid, expected({ namedAt: new Date(Date.now() - 3_600_000).toISOString() })),
      'other-process',
    );
    // Started long before its own run-started event: not that trainer either.
    assert.equal(
      checkTrainerOfRun(pid, expected({ namedAt: new Date(Date.now() + 3_600_000).toISOString() })),
      'other-process',
    );
    const startedAt = processStartTime(pid);
    assert.ok(startedAt !== null && Math.abs(startedAt - Date.now()) < 10_000, `start time ${startedAt} is about now`);

    await stopped(child);
    assert.equal(checkTrainerOfRun(pid, expected()), 'dead');
  });

  it('knows a resumed trainer by its run folder, relative to its working folder', async () => {
    const args = trainerCommandLine({
      command: 'resume',
      positionals: [join('runs', 'demo', RUN_ID)],
      flags: { 'no-progress': true },
    });
    const child = startProcess([join('dist', 'cli.js'), ...args]);
    const pid = child.pid ?? -1;
    await waitUntil('the resume process', () => readProcProcess(pid)?.args[1] === join('dist', 'cli.js'), {
      timeoutMs: 10_000,
    });
    assert.equal(checkTrainerOfRun(pid, expected({ namedAt: null })), 'our-trainer');
    assert.equal(
      checkTrainerOfRun(pid, expected({ runDir: join(root, 'runs', 'other', RUN_ID), namedAt: null })),
      'other-process',
    );
    await stopped(child);
  });

  it('never takes a live process that is not a trainer for one', () => {
    assert.equal(checkTrainerOfRun(process.pid, expected({ namedAt: null })), 'other-process');
    assert.equal(checkTrainerOfRun(1, expected({ namedAt: null })), 'other-process');
    assert.equal(checkTrainerOfRun(-5, expected({ namedAt: null })), 'dead');
  });
});

const asRoot = linux && process.getuid?.() === 0;

function canForkAsNobody(): string | false {
  if (!asRoot) return 'running processes as another user needs root';
  try {
    accessSync('/usr/bin/setpriv', constants.X_OK);
    return false;
  } catch {
    return 'setpriv (util-linux) is not installed';
  }
}

/** `setpriv` arguments that run a command as nobody. */
const asNobody = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'];

describe('checkTrainerOfRun as another user', { skip: skipIfMissing(canForkAsNobody()) }, () => {
  it("never counts another user's process as ours (EPERM), however well it matches", async () => {
    // The real function, bundled so that `nobody` can load it without this checkout's node_modules.
    const checker = join(root, 'check.mjs');
    const entry = join(root, 'check-entry.ts');
    const source = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'src/shared/host/trainerOfRun.ts');
    writeFileSync(
      entry,
      `import { checkTrainerOfRun } from ${JSON.stringify(source)};\n` +
        'process.stdout.write(checkTrainerOfRun(Number(process.argv[2]), JSON.parse(process.argv[3])));\n',
    );
    buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: checker,
      logLevel: 'error',
    });
    const checkAsNobody = async (pid: number, trainer: ExpectedTrainer): Promise<string> => {
      const check = startProcess(
        [...asNobody, process.execPath, checker, String(pid), JSON.stringify(trainer)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
        '/usr/bin/setpriv',
      );
      let output = '';
      check.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise((resolve) => check.once('exit', resolve));
      assert.equal(code, 0);
      return output;
    };

    const ours = startProcess([cli, ...runArgs()]);
    const oursPid = await started(ours);
    const theirs = startProcess([...asNobody, process.execPath, cli, ...runArgs()], {}, '/usr/bin/setpriv');
    const theirsPid = await started(theirs);
    const trainer = expected();

    // Each user's checker knows its own user's trainer…
    assert.equal(checkTrainerOfRun(oursPid, trainer), 'our-trainer');
    assert.equal(await checkAsNobody(theirsPid, trainer), 'our-trainer');
    // …and answers no for the other user's, though it is alive with the very same command line.
    assert.equal(await checkAsNobody(oursPid, trainer), 'other-process');
    await stopped(ours);
    await stopped(theirs);
  });
});

function canChoosePids(): string | false {
  if (!asRoot) return 'choosing the next pid needs root';
  try {
    accessSync('/proc/sys/kernel/ns_last_pid', constants.W_OK);
    return false;
  } catch {
    return '/proc/sys/kernel/ns_last_pid is not writable';
  }
}

describe('checkTrainerOfRun after pid reuse', { skip: skipIfMissing(canChoosePids()) }, () => {
  it('refuses a later process that got the same pid with the same command line', async () => {
    const first = startProcess([cli, ...runArgs()]);
    const pid = await started(first);
    const named = expected();
    assert.equal(checkTrainerOfRun(pid, named), 'our-trainer');
    await stopped(first);
    assert.equal(checkTrainerOfRun(pid, named), 'dead');

    // Later than the clock slack, a new process takes the pid (the kernel hands out the pid after
    // ns_last_pid; another process on the machine may take it first, so try again).
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    let second: ChildProcess | null = null;
    for (let attempt = 0; attempt < 200 && second === null; attempt++) {
      writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1));
      const candidate = startProcess([cli, ...runArgs()]);
      if (candidate.pid === pid) second = candidate;
      else await stopped(candidate);
    }
    assert.ok(second, `pid ${pid} was not handed out again`);
    await started(second);
    assert.equal(checkTrainerOfRun(pid, named), 'other-process');
    // The same pid and command line with the event that named this process: only time tells them apart.
    assert.equal(checkTrainerOfRun(pid, expected()), 'our-trainer');
    await stopped(second);
  });
});

describe('isTrainerCommandLine', () => {
  const trainer: ExpectedTrainer = { runId: RUN_ID, runDir: '/w/runs/demo/20261124-101500', namedAt: null };
  const cases: [string[], boolean][] = [
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', 'a.yaml', '--run-id', RUN_ID], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', 'a.yaml', `--run-id=${RUN_ID}`], true],
    [['/usr/bin/node', '/usr/local/bin/medtransfer', 'run', 'a.yaml'], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', '/x/a.yaml', '--runs-dir', '/w/runs', '--run-id', RUN_ID], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', 'a.yaml', '--runs-dir', '/v/runs', '--run-id', RUN_ID], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', '/v/a.yaml', '--run-id', RUN_ID], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'run', 'a.yaml', '--run-id', '20261124-101501'], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'resume', '/w/runs/demo/20261124-101500', '--backend', 'wasm'], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'resume', 'runs/demo/20261124-101500'], true],
    [['/usr/bin/node', '/ext/dist/cli.js', 'resume', '/w/runs/other/20261124-101500'], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'resume', '/w/runs/demo/20261124-101500', '--help'], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'evaluate', '/w/runs/demo/20261124-101500'], false],
    [['/usr/bin/node', '/ext/dist/cli.js', 'explain', '/w/runs/demo/20261124-101500', 'x.png'], false],
    [['/usr/bin/python3', 'train.py', '--run-id', RUN_ID], false],
    [['/bin/sleep', '1000'], false],
  ];
  for (const [args, result] of cases) {
    it(`${result ? 'accepts' : 'refuses'} ${args.slice(1).join(' ')}`, () =>
      assert.equal(isTrainerCommandLine(args, trainer, '/w'), result));
  }
  it('compares only the run id when the working folder is unknown', () => {
    assert.equal(isTrainerCommandLine(['node', 'cli.js', 'run', 'a.yaml', '--run-id', RUN_ID], trainer, null), true);
    assert.equal(isTrainerCommandLine(['node', 'cli.js', 'resume', 'runs/demo/20261124-101500'], trainer, null), true);
    assert.equal(isTrainerCommandLine(['node', 'cli.js', 'resume', 'runs/demo/20261124-101501'], trainer, null), false);
  });
});
