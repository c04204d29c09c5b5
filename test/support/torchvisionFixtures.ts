// The torchvision weight fixtures (test/fixtures/weights/generate_torchvision_fixtures.py), made
// on first use with Debian's torch and kept in .cache/ (git-ignored) under a hash of the
// generator, so that a changed generator makes them again. About 190 MB; a minute or two to make.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TorchvisionArchitectureName } from '../../src/trainer/models/architectureTable';
import { fixturesDir } from './paths';
import { makePythonFixtures } from './pythonFixtures';
import type { FixturesResult } from './pythonFixtures';

const GENERATOR = join(fixturesDir, 'weights', 'generate_torchvision_fixtures.py');

export const TORCHVISION_NAMES: Record<TorchvisionArchitectureName, string> = {
  resnet18: 'resnet18',
  resnet50: 'resnet50',
  densenet121: 'densenet121',
  mobilenetv2: 'mobilenet_v2',
  efficientnetb0: 'efficientnet_b0',
};

/** The image sizes the generator computed logits at, as `HxW`. */
export const FIXTURE_SIZES = ['64x64', '45x39'] as const;
export const FIXTURE_IMAGE_COUNT = 2;
export const FIXTURE_CLASSES = 10;

let made: Promise<FixturesResult> | undefined;

/** The fixtures' folder, made if needed; or why they cannot be made here. */
export function torchvisionFixtures(): Promise<FixturesResult> {
  made ??= make();
  return made;
}

function make(): Promise<FixturesResult> {
  return makePythonFixtures({
    generator: GENERATOR,
    cacheName: 'torchvision-fixtures',
    lastFile: 'dtypes.safetensors',
    packages: 'python3-torch and python3-torchvision',
    timeoutMinutes: 15,
  });
}

/** The generator's fixed images of `size` (`HxW`), converted from NCHW to our NHWC. */
export async function fixtureImages(dir: string, size: string): Promise<{ shape: number[]; values: Float32Array }> {
  const [height = 0, width = 0] = size.split('x').map(Number);
  const bytes = await readFile(join(dir, `images-${size}.bin`));
  const nchw = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const nhwc = new Float32Array(nchw.length);
  const plane = height * width;
  for (let n = 0; n < FIXTURE_IMAGE_COUNT; n++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < plane; p++) nhwc[(n * plane + p) * 3 + c] = nchw[(n * 3 + c) * plane + p] ?? 0;
  return { shape: [FIXTURE_IMAGE_COUNT, height, width, 3], values: nhwc };
}

/** PyTorch's logits on those images, by size. */
export async function fixtureLogits(
  dir: string,
  architecture: TorchvisionArchitectureName,
): Promise<Record<string, number[][]>> {
  const text = await readFile(join(dir, `${TORCHVISION_NAMES[architecture]}.logits.json`), 'utf8');
  return (JSON.parse(text) as { logits: Record<string, number[][]> }).logits;
}

export function fixtureWeights(dir: string, architecture: TorchvisionArchitectureName): string {
  return join(dir, `${TORCHVISION_NAMES[architecture]}.safetensors`);
}
