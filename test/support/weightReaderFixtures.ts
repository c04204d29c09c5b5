// The weight-reader fixtures (test/fixtures/weights/generate_weight_reader_fixtures.py), made on
// first use with Debian's torch, torchvision and h5py and kept in .cache/ (git-ignored) under a
// hash of the generator, so that a changed generator makes them again. About 470 MB; half a
// minute to make.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixturesDir, repoRoot } from './paths';

/** Debian's interpreter, which has python3-torch (the `python3` on PATH may not). */
const TORCH_PYTHON = '/usr/bin/python3';
const GENERATOR = join(fixturesDir, 'weights', 'generate_weight_reader_fixtures.py');

export type FixturesResult = { dir: string } | { missing: string };

let made: Promise<FixturesResult> | undefined;

/** The fixtures' folder, made if needed; or why they cannot be made here. */
export function weightReaderFixtures(): Promise<FixturesResult> {
  made ??= make();
  return made;
}

async function make(): Promise<FixturesResult> {
  const hash = createHash('sha256').update(readFileSync(GENERATOR)).digest('hex').slice(0, 12);
  const dir = join(repoRoot, '.cache', 'weight-reader-fixtures', hash);
  if (existsSync(join(dir, 'torchvision_names.json'))) return { dir };
  if (!existsSync(TORCH_PYTHON)) return { missing: `${TORCH_PYTHON} (with python3-torch, torchvision and h5py)` };
  const temporary = `${dir}.partial-${process.pid}`;
  await mkdir(temporary, { recursive: true });
  try {
    await promisify(execFile)(TORCH_PYTHON, [GENERATOR, temporary], { timeout: 10 * 60_000 });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if ((error as { code?: unknown }).code === 3) {
      return { missing: 'python3-torch, python3-torchvision and python3-h5py for /usr/bin/python3' };
    }
    throw error;
  }
  // Another test process may have made them meanwhile: theirs are as good.
  await rename(temporary, dir).catch(() => rm(temporary, { recursive: true, force: true }));
  return { dir };
}

export interface ReferenceTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** The generator's float32 dump beside `<stem>.<ext>`: `<stem>.reference.json` and `.bin`. */
export async function referenceTensors(dir: string, stem: string): Promise<ReferenceTensor[]> {
  const index = JSON.parse(await readFile(join(dir, `${stem}.reference.json`), 'utf8')) as {
    tensors: Array<{ name: string; shape: number[]; offset: number }>;
  };
  const bytes = await readFile(join(dir, `${stem}.reference.bin`));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return index.tensors.map(({ name, shape, offset }) => ({
    name,
    shape,
    values: all.subarray(offset, offset + shape.reduce((product, size) => product * size, 1)),
  }));
}
