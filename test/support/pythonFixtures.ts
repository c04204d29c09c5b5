// Fixtures made on first use by a committed Python generator run with Debian's torch, kept in
// .cache/ (git-ignored) under a hash of the generator's files, so that a changed generator makes
// them again. A generator exits with 3 when its Python modules are missing: the tests then skip
// (or fail where all tests are required) with `missing`.
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
  /** The generator, run as `generator OUT_DIR`. */
  generator: string;
  /** Other files it imports: a change to them makes the fixtures again too. */
  imports?: string[];
  /** The folder under .cache/. */
  cacheName: string;
  /** A file the generator writes last: its presence means the fixtures are complete. */
  marker: string;
  /** What is missing when the generator exits with 3. */
  needs: string;
  timeoutMs: number;
}

export async function makePythonFixtures(spec: PythonFixtures): Promise<FixturesResult> {
  const hash = createHash('sha256');
  for (const file of [spec.generator, ...(spec.imports ?? [])]) hash.update(readFileSync(file));
  const dir = join(repoRoot, '.cache', spec.cacheName, hash.digest('hex').slice(0, 12));
  if (existsSync(join(dir, spec.marker))) return { dir };
  if (!existsSync(TORCH_PYTHON)) return { missing: `${TORCH_PYTHON} (with ${spec.needs})` };
  const temporary = `${dir}.partial-${process.pid}`;
  await mkdir(temporary, { recursive: true });
  try {
    await promisify(execFile)(TORCH_PYTHON, [spec.generator, temporary], { timeout: spec.timeoutMs });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if ((error as { code?: unknown }).code === 3) return { missing: `${spec.needs} for ${TORCH_PYTHON}` };
    throw error;
  }
  // Another test process may have made them meanwhile: theirs are as good.
  await rename(temporary, dir).catch(() => rm(temporary, { recursive: true, force: true }));
  return { dir };
}
