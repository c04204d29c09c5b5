// The weight-reader fixtures (test/fixtures/weights/generate_weight_reader_fixtures.py), made on
// first use with Debian's torch, torchvision and h5py and kept in .cache/ (git-ignored) under a
// hash of the generator, so that a changed generator makes them again. About 470 MB; half a
// minute to make.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixturesDir } from './paths';
import { makePythonFixtures } from './pythonFixtures';
import type { FixturesResult } from './pythonFixtures';

const GENERATOR = join(fixturesDir, 'weights', 'generate_weight_reader_fixtures.py');

let made: Promise<FixturesResult> | undefined;

/** The fixtures' folder, made if needed; or why they cannot be made here. */
export function weightReaderFixtures(): Promise<FixturesResult> {
  made ??= make();
  return made;
}

function make(): Promise<FixturesResult> {
  return makePythonFixtures({
    generator: GENERATOR,
    cacheName: 'weight-reader-fixtures',
    lastFile: 'torchvision_names.json',
    packages: 'python3-torch, python3-torchvision and python3-h5py',
    timeoutMinutes: 10,
  });
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
