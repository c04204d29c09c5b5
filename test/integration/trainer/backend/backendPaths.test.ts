// Where the trainer CLI finds tfjs-node(-gpu): --backend-path, MEDTRANSFER_BACKEND_PATHS, the
// experiment's workspace (node_modules above the experiment file) and NODE_PATH, each shown with
// a broken package (a real package folder whose require throws libtensorflow's load error), so a
// run asked to use it fails at once with where it was found and what to do; `auto` notes the
// failure in run-started and trains on the next backend.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventsOf, readEvents, runDirFromOutput, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath, repoRoot } from '../../../support/paths';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const TINY = tinyExperiment({
  seed: 5,
  model: { inputShape: [18, 18, 1] },
  source: { dataset: synthetic('source', 120) },
  fineTune: { strategy: 'full', headEpochs: undefined, epochs: 1 },
  training: { batchSize: 8 },
});

const LIBTENSORFLOW_ERROR = 'libtensorflow.so.2: cannot open shared object file: No such file or directory';

/** A folder holding node_modules/<pkg> whose require fails as tfjs-node does without libtensorflow. */
function brokenInstall(folder: string, pkg = '@tensorflow/tfjs-node'): string {
  const dir = join(folder, 'node_modules', pkg);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: pkg, version: '4.22.0', main: 'index.js' }));
  writeFileSync(
    join(dir, 'index.js'),
    `throw Object.assign(new Error(${JSON.stringify(LIBTENSORFLOW_ERROR)}), { code: 'ERR_DLOPEN_FAILED' });\n`,
  );
  return dir;
}

function run(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 240_000,
    // Only what the test sets: no NODE_PATH or npm prefix from the machine running the tests.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The run did not start (exit 4: the backend), and says where the broken package is and what to do. */
function assertFoundBroken(result: ReturnType<typeof run>, dir: string): void {
  assert.equal(result.status, 4, result.stderr);
  assert.ok(
    result.stderr.includes(
      `medtransfer: backend 'tensorflow' was asked for but is not available: @tensorflow/tfjs-node is installed (in ${dir}) but failed to load: ${LIBTENSORFLOW_ERROR}.`,
    ),
    result.stderr,
  );
  assert.match(
    result.stderr,
    /downloads libtensorflow from storage\.googleapis\.com and did not finish.*npm rebuild @tensorflow\/tfjs-node/,
  );
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('medtransfer run: where optional backends are found', () => {
  it('--backend-path (repeatable, a project folder or its node_modules)', () => {
    const folder = temporaryFolder('backend-path');
    const installed = brokenInstall(join(folder, 'elsewhere'));
    const file = writeExperiment(folder, 'tiny', TINY);
    assertFoundBroken(
      run([
        'run',
        file,
        '--backend',
        'tensorflow',
        '--backend-path',
        join(folder, 'empty'),
        '--backend-path',
        join(folder, 'elsewhere'),
      ]),
      installed,
    );
    assertFoundBroken(
      run(['run', file, '--backend', 'tensorflow', '--backend-path', join(folder, 'elsewhere', 'node_modules')]),
      installed,
    );
  });

  it('MEDTRANSFER_BACKEND_PATHS, separated like PATH', () => {
    const folder = temporaryFolder('backend-env');
    const installed = brokenInstall(join(folder, 'shared'));
    const file = writeExperiment(folder, 'tiny', TINY);
    assertFoundBroken(
      run(['run', file, '--backend', 'tensorflow'], {
        MEDTRANSFER_BACKEND_PATHS: `/nonexistent:${join(folder, 'shared')}`,
      }),
      installed,
    );
  });

  it('the experiment’s workspace: node_modules in a folder above the experiment file', () => {
    const workspace = temporaryFolder('backend-workspace');
    const installed = brokenInstall(workspace);
    const experiments = join(workspace, 'studies', 'chest');
    mkdirSync(experiments, { recursive: true });
    assertFoundBroken(run(['run', writeExperiment(experiments, 'tiny', TINY), '--backend', 'tensorflow']), installed);
  });

  it('NODE_PATH (a global folder)', () => {
    const folder = temporaryFolder('backend-node-path');
    const installed = brokenInstall(join(folder, 'global'));
    const file = writeExperiment(folder, 'tiny', TINY);
    assertFoundBroken(
      run(['run', file, '--backend', 'tensorflow'], { NODE_PATH: join(folder, 'global', 'node_modules') }),
      installed,
    );
  });

  it('auto notes a broken tfjs-node-gpu with what to do in run-started, and trains on the next backend', () => {
    const folder = temporaryFolder('backend-auto');
    brokenInstall(folder, '@tensorflow/tfjs-node-gpu');
    const result = run(['run', writeExperiment(folder, 'tiny', TINY), '--no-progress']);
    assert.equal(result.status, 0, result.stderr);
    const [started] = eventsOf(readEvents(runDirFromOutput(result.stdout)), 'run-started');
    assert.notEqual(started?.backend, 'tensorflow-gpu');
    const note = started?.backendNotes.find((line) => line.startsWith('tensorflow-gpu: ')) ?? '';
    assert.match(
      note,
      /^tensorflow-gpu: @tensorflow\/tfjs-node-gpu is installed \(in .*\) but failed to load: libtensorflow\.so\.2: .*storage\.googleapis\.com/,
    );
    assert.match(
      result.stderr,
      /backend search: optional backends are looked for beside MedTransfer and in .*backend-auto/,
    );
  });
});
