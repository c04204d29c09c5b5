// The webview program may use webview/src and src/shared only, and not src/shared/host (the
// Node-only part the trainer and the extension share): the compiler, run on
// webview/tsconfig.json, lists every file an import pulls in, so a reach into src/extension,
// src/trainer, src/shared/host (or anywhere else) fails here. Node's types are not available to
// it either. A probe program that imports src/shared/host shows the check catches it, and the
// lint rules refuse that import (and Node in the rest of src/shared) before the compiler runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../../support/paths';

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const probeDir = mkdtempSync(join(tmpdir(), 'medtransfer-boundary-'));
after(() => rmSync(probeDir, { recursive: true, force: true }));

function compile(project: string, listOnly: boolean): { files: string[]; status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tsc, '-p', project, ...(listOnly ? ['--listFilesOnly'] : ['--noEmit'])], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const files = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((file) => relative(repoRoot, file));
  return { files, status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Our files in the program that are not webview/src or src/shared (without src/shared/host). */
function outsideTheWebview(files: readonly string[]): string[] {
  // Packages: node_modules may be a link (a git worktree's points at the main checkout's).
  const ours = files.filter((file) => !file.split(sep).includes('node_modules') && !file.startsWith('..'));
  return ours.filter(
    (file) =>
      !file.startsWith(`webview${sep}src${sep}`) &&
      !(file.startsWith(`src${sep}shared${sep}`) && !file.startsWith(`src${sep}shared${sep}host${sep}`)),
  );
}

test('the webview program holds only webview/src, src/shared without host/, and packages', () => {
  const { files } = compile('webview/tsconfig.json', true);
  assert.ok(files.some((file) => file.startsWith(`webview${sep}src${sep}dashboard`)));
  assert.ok(files.some((file) => file.startsWith(`src${sep}shared${sep}run`)));
  assert.deepEqual(outsideTheWebview(files), []);
  assert.deepEqual(
    files.filter((file) => file.includes(`@types${sep}node${sep}`)),
    [],
    'Node types leak into the webview program',
  );
});

test('a webview import of src/shared/host is caught by the check and refused by the compiler', () => {
  const probe = join(probeDir, 'probe.ts');
  writeFileSync(
    probe,
    `import { writeFileAtomically } from '${join(repoRoot, 'src', 'shared', 'host', 'atomicFiles')}';\n` +
      `export const write = writeFileAtomically;\n`,
  );
  const project = join(probeDir, 'tsconfig.json');
  writeFileSync(
    project,
    JSON.stringify({ extends: join(repoRoot, 'webview', 'tsconfig.json'), include: [], files: [probe] }),
  );
  const listed = compile(project, true);
  assert.deepEqual(outsideTheWebview(listed.files), [join('src', 'shared', 'host', 'atomicFiles.ts')]);
  const checked = compile(project, false);
  assert.notEqual(checked.status, 0);
  assert.match(checked.output, /node:fs/);
});

test('the lint rules keep host/ out of the webviews and Node out of the rest of src/shared', async () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const restricted = async (file: string, source: string): Promise<string[]> => {
    const [result] = await eslint.lintText(source, { filePath: join(repoRoot, file) });
    return (result?.messages ?? [])
      .filter((message) => message.ruleId === 'no-restricted-imports')
      .map((message) => message.message);
  };
  const fromWebview = await restricted(
    'webview/src/dashboard/probe.ts',
    "import { checkTrainerOfRun } from '../../../src/shared/host/trainerOfRun';\nexport const check = checkTrainerOfRun;\n",
  );
  assert.equal(fromWebview.length, 1, fromWebview.join('\n'));
  const fromShared = await restricted(
    'src/shared/run/probe.ts',
    "import { readFileSync } from 'node:fs';\nimport { writeFileAtomically } from '../host/atomicFiles';\n" +
      'export const both = [readFileSync, writeFileAtomically];\n',
  );
  assert.equal(fromShared.length, 2, fromShared.join('\n'));
  const inHost = await restricted(
    'src/shared/host/probe.ts',
    "import { readFileSync } from 'node:fs';\nimport { RUN_FILES } from '../run/runFiles';\n" +
      'export const both = [readFileSync, RUN_FILES];\n',
  );
  assert.deepEqual(inHost, []);
});
