// The webview program may use webview/src and src/shared only: the compiler, run on
// webview/tsconfig.json, lists every file an import pulls in, so a reach into src/extension
// or src/trainer (or anywhere else) fails here. Node's types are not available to it either.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the webview program holds only webview/src, src/shared and packages', () => {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  const files = execFileSync(process.execPath, [tsc, '-p', 'webview/tsconfig.json', '--listFilesOnly'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .map((file) => relative(root, file));
  // Packages: node_modules may be a link (a git worktree's points at the main checkout's).
  const ours = files.filter((file) => !file.split(sep).includes('node_modules'));
  assert.ok(ours.some((file) => file.startsWith(`webview${sep}src${sep}dashboard`)));
  const outside = ours.filter(
    (file) => !file.startsWith(`webview${sep}src${sep}`) && !file.startsWith(`src${sep}shared${sep}`),
  );
  assert.deepEqual(outside, []);
  assert.deepEqual(
    files.filter((file) => file.includes(`@types${sep}node${sep}`)),
    [],
    'Node types leak into the webview program',
  );
});
