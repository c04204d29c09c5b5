// Every file of a run folder is replaced whole or not at all: a reader (the extension, the
// dashboard, `medtransfer report`, a resume after a crash) sees the old file or the new one,
// never half of one. A file is written under a temporary name in the same folder (so the rename
// stays on one file system), flushed to disk, then renamed over the old one, and the folder is
// flushed so the rename itself survives a power cut. A crash before the rename leaves the old
// file as it was, and a `NAME.tmp-PID` file beside it that no reader looks at.
// events.jsonl and log.txt are append-only streams and are not written through here.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The temporary name a file or folder is written under before it is renamed into place. */
export function temporaryNameFor(path: string): string {
  return join(dirname(path), `${basename(path)}.tmp-${process.pid}`);
}

/** Replaces `path` with `data` (text as UTF-8, or bytes) through a temporary file and a rename. */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const temporary = temporaryNameFor(path);
  try {
    writeFileDurably(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The error that matters is the write's.
    }
    throw error;
  }
  syncFolder(dirname(path));
}

/**
 * Writes `data` to `path` and flushes it to disk before returning; for the files of a folder
 * that replaceFolderAtomically then renames into place. Loops, because one write may take only
 * part of the bytes (a full disk, a file size limit) and the rest must not be dropped silently.
 */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'w');
  try {
    for (let offset = 0; offset < bytes.byteLength;) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface ReplaceFolderOptions {
  /**
   * Where the replaced folder is kept (a sibling name, e.g. `checkpoint.previous`), so that a
   * crash between the two renames still leaves one whole folder; without it the replaced folder
   * is deleted once the new one is in place.
   */
  keepReplacedAs?: string;
}

/**
 * Replaces the folder `target` with one that `fill` writes (given the temporary folder; write its
 * files with writeFileDurably): the new folder is complete on disk before it takes the name.
 */
export async function replaceFolderAtomically(
  target: string,
  fill: (folder: string) => void | Promise<void>,
  options: ReplaceFolderOptions = {},
): Promise<void> {
  const parent = dirname(target);
  const temporary = temporaryNameFor(target);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    await fill(temporary);
    syncFolder(temporary);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  const replaced = join(parent, options.keepReplacedAs ?? `${basename(target)}.replaced-${process.pid}`);
  // With no folder to replace, an older kept one stays: it may be the only whole copy left.
  const replacing = existsSync(target);
  if (replacing) {
    rmSync(replaced, { recursive: true, force: true });
    renameSync(target, replaced);
  }
  renameSync(temporary, target);
  syncFolder(parent);
  if (replacing && options.keepReplacedAs === undefined) rmSync(replaced, { recursive: true, force: true });
}

/** Flushes a folder's entries (a rename into it) to disk. Windows cannot open a folder for that. */
function syncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
