// Run files are replaced whole or not at all. The crashes are real: a child process writing
// through the helpers is killed by strace at a chosen system call (the flush of the temporary
// file, the rename that swaps a folder in), and what it leaves on disk is read back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import {
  replaceFolderAtomically,
  writeFileAtomically,
  writeFileDurably,
} from '../../../../src/shared/host/atomicFiles';
import { skipIfMissing } from '../../../support/prerequisites';
import { repoRoot } from '../../../support/paths';

const root = mkdtempSync(join(tmpdir(), 'medtransfer-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));
const writer = join(root, 'writer.mjs');

before(() => {
  // The helpers, bundled into one plain script, so that the child runs no loader that would
  // make system calls of its own; it writes what its arguments say.
  const entry = join(root, 'writer-entry.ts');
  const source = join(repoRoot, 'src', 'shared', 'host', 'atomicFiles.ts');
  writeFileSync(
    entry,
    `import { readFileSync } from 'node:fs';\n` +
      `import { join } from 'node:path';\n` +
      `import { replaceFolderAtomically, writeFileAtomically, writeFileDurably } from ${JSON.stringify(source)};\n` +
      `const [kind, target, dataFile] = process.argv.slice(2);\n` +
      `const data = readFileSync(dataFile);\n` +
      `if (kind === 'file') writeFileAtomically(target, data);\n` +
      `else await replaceFolderAtomically(target, (folder) => writeFileDurably(join(folder, 'weights.bin'), data),\n` +
      `  kind === 'keep' ? { keepReplacedAs: 'checkpoint.previous' } : {});\n`,
  );
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: writer,
    logLevel: 'error',
  });
});

describe('writeFileAtomically', () => {
  it('replaces text and binary files whole and leaves no temporary file', () => {
    const folder = join(root, 'plain');
    mkdirSync(folder);
    const text = join(folder, 'metrics.json');
    writeFileAtomically(text, '{"old":true}\n');
    writeFileAtomically(text, '{"new":"é"}\n');
    assert.equal(readFileSync(text, 'utf8'), '{"new":"é"}\n');
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const binary = join(folder, 'weights.bin');
    writeFileAtomically(binary, bytes);
    assert.deepEqual(readFileSync(binary), bytes);
    assert.deepEqual(readdirSync(folder).sort(), ['metrics.json', 'weights.bin']);
  });

  it('leaves the old file and no temporary file when the disk takes only part of the bytes', () => {
    const folder = join(root, 'file-size-limit');
    mkdirSync(folder);
    const target = join(folder, 'metrics.json');
    writeFileAtomically(target, 'old');
    const dataFile = join(root, 'two-megabytes');
    writeFileSync(dataFile, randomBytes(2 * 1024 * 1024));
    // A file size limit of 1 MiB: the first write takes part of the bytes, the next one fails (EFBIG).
    const result = spawnSync(
      '/bin/sh',
      ['-c', 'ulimit -f 1024 && exec "$@"', 'sh', process.execPath, writer, 'file', target, dataFile],
      {
        encoding: 'utf8',
      },
    );
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /EFBIG/);
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.deepEqual(readdirSync(folder), ['metrics.json']);
  });
});

describe('replaceFolderAtomically', () => {
  it('swaps a folder in whole, keeping the replaced one when asked', async () => {
    const target = join(root, 'run', 'checkpoint');
    const fill = (content: string) => (folder: string) => writeFileDurably(join(folder, 'state.json'), content);
    await replaceFolderAtomically(target, fill('1'), { keepReplacedAs: 'checkpoint.previous' });
    await replaceFolderAtomically(target, fill('2'), { keepReplacedAs: 'checkpoint.previous' });
    assert.equal(readFileSync(join(target, 'state.json'), 'utf8'), '2');
    assert.equal(readFileSync(join(root, 'run', 'checkpoint.previous', 'state.json'), 'utf8'), '1');
    const model = join(root, 'run', 'model');
    await replaceFolderAtomically(model, fill('a'));
    await replaceFolderAtomically(model, fill('b'));
    assert.equal(readFileSync(join(model, 'state.json'), 'utf8'), 'b');
    assert.deepEqual(readdirSync(join(root, 'run')).sort(), ['checkpoint', 'checkpoint.previous', 'model']);
  });

  it('leaves the old folder as it was when filling the new one fails', async () => {
    const target = join(root, 'fails', 'model');
    await replaceFolderAtomically(target, (folder) => writeFileDurably(join(folder, 'model.json'), 'old'));
    await assert.rejects(
      replaceFolderAtomically(target, (folder) => {
        writeFileDurably(join(folder, 'model.json'), 'new');
        throw new Error('out of memory while saving');
      }),
      /out of memory/,
    );
    assert.equal(readFileSync(join(target, 'model.json'), 'utf8'), 'old');
    assert.deepEqual(readdirSync(join(root, 'fails')), ['model']);
  });
});

function straceMissing(): string | false {
  if (process.platform !== 'linux') return 'strace, to crash a writer at a chosen system call, is Linux-only';
  try {
    accessSync('/usr/bin/strace', constants.X_OK);
    return false;
  } catch {
    return 'strace is not installed (Debian package strace)';
  }
}

describe('a writer killed in the middle', { skip: skipIfMissing(straceMissing()) }, () => {
  /** Runs the writer under strace, which kills it with SIGKILL at the `when`-th call of `syscall`. */
  function crashAt(syscall: string, when: number, kind: 'file' | 'keep' | 'drop', target: string, data: Buffer) {
    const dataFile = join(root, `data-${randomBytes(4).toString('hex')}`);
    writeFileSync(dataFile, data);
    const result = spawnSync(
      '/usr/bin/strace',
      ['-f', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:signal=KILL:when=${when}`].concat([
        process.execPath,
        writer,
        kind,
        target,
        dataFile,
      ]),
      { encoding: 'utf8' },
    );
    // strace ends the way its child did (killed by the same signal), or exits with 128 + 9.
    assert.ok(result.signal === 'SIGKILL' || result.status === 137, `the writer was killed: ${result.stderr}`);
  }

  it('leaves the old file whole when killed before the rename (the temporary file is there)', () => {
    const folder = join(root, 'crash-file');
    mkdirSync(folder);
    const target = join(folder, 'saliency.json');
    const old = randomBytes(64 * 1024);
    writeFileAtomically(target, old);
    const fresh = randomBytes(2 * 1024 * 1024);
    // The first fsync is the temporary file's: written, not yet renamed.
    crashAt('fsync', 1, 'file', target, fresh);
    assert.deepEqual(readFileSync(target), old, 'the old file is whole');
    const left = readdirSync(folder).filter((name) => name.startsWith('saliency.json.tmp-'));
    assert.equal(left.length, 1, 'the temporary file is there');
    assert.deepEqual(readFileSync(join(folder, left[0] ?? '')), fresh);
    // The next write puts the new file in place all the same.
    writeFileAtomically(target, fresh);
    assert.deepEqual(readFileSync(target), fresh);
  });

  it('leaves one whole folder when killed between the two renames of a folder swap', () => {
    const run = join(root, 'crash-folder');
    const target = join(run, 'checkpoint');
    const old = randomBytes(1024);
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'weights.bin'), old);
    // Rename 1 moves the old folder aside; killed on entering rename 2, before the new one is in place.
    crashAt('/^rename', 2, 'keep', target, randomBytes(4096));
    assert.equal(existsSync(target), false);
    assert.deepEqual(readFileSync(join(run, 'checkpoint.previous', 'weights.bin')), old, 'the old folder is whole');

    const model = join(run, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'weights.bin'), old);
    crashAt('/^rename', 2, 'drop', model, randomBytes(4096));
    const aside = readdirSync(run).filter((name) => name.startsWith('model.replaced-'));
    assert.equal(aside.length, 1);
    assert.deepEqual(readFileSync(join(run, aside[0] ?? '', 'weights.bin')), old, 'the old folder is whole');
  });
});
