// Fixtures made by a committed Python generator (test/fixtures/…) with Debian's torch, on first
// use, and kept in .cache/ (git-ignored) under a hash of the generator, so that a changed
// generator makes them again. A generator exits with 3 when a Debian package it needs is missing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths';

/** Debian's interpreter, which has python3-torch (the `python3` on PATH may not). */
export const TORCH_PYTHON = '/usr/bin/python3';

export type FixturesResult = { dir: string } | { missing: string };

export interface PythonFixtures {
  /** The generator script; it is run as `TORCH_PYTHON generator OUT_DIR`. */
  generator: string;
  /** The folder in .cache/ that keeps them. */
  cacheName: string;
  /** A file the generator writes last: its presence says the fixtures are whole. */
  lastFile: string;
  /** The Debian packages to name when the generator says one is missing. */
  packages: string;
  timeoutMinutes: number;
}

/** The fixtures' folder, made if needed; or why they cannot be made here. */
export async function makePythonFixtures(fixtures: PythonFixtures): Promise<FixturesResult> {
  const hash = createHash('sha256').update(readFileSync(fixtures.generator)).digest('hex').slice(0, 12);
  const dir = join(repoRoot, '.cache', fixtures.cacheName, hash);
  if (existsSync(join(dir, fixtures.lastFile))) return { dir };
  if (!existsSync(TORCH_PYTHON)) return { missing: `${TORCH_PYTHON} (with ${fixtures.packages})` };
  const temporary = `${dir}.partial-${process.pid}`;
  await mkdir(temporary, { recursive: true });
  try {
    await promisify(execFile)(TORCH_PYTHON, [fixtures.generator, temporary], {
      timeout: fixtures.timeoutMinutes * 60_000,
    });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if ((error as { code?: unknown }).code === 3) return { missing: `${fixtures.packages} for ${TORCH_PYTHON}` };
    throw error;
  }
  // Another test process may have made them meanwhile: theirs are as good.
  await rename(temporary, dir).catch(() => rm(temporary, { recursive: true, force: true }));
  return { dir };
}
