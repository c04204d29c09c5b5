// The fixtures of `predict` on an imported model (test/fixtures/weights/generate_predict_fixtures.py):
// a resnet18 with a 1,000-class head as .safetensors, PNG images, and PyTorch's softmax on them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixturesDir } from './paths';
import { makePythonFixtures } from './pythonFixtures';
import type { FixturesResult } from './pythonFixtures';

let made: Promise<FixturesResult> | undefined;

export function predictFixtures(): Promise<FixturesResult> {
  made ??= makePythonFixtures({
    generator: join(fixturesDir, 'weights', 'generate_predict_fixtures.py'),
    imports: [join(fixturesDir, 'weights', 'generate_torchvision_fixtures.py')],
    cacheName: 'predict-fixtures',
    marker: 'probabilities.json',
    needs: 'python3-torch, python3-torchvision and python3-pil',
    timeoutMs: 5 * 60_000,
  });
  return made;
}

export interface PredictReference {
  /** The PNG files, in the generator's folder. */
  images: string[];
  /** PyTorch's softmax for each image, 1,000 values. */
  probabilities: number[][];
  /** torchvision's ImageNet category names, to check ours against. */
  categories: string[];
}

export async function predictReference(dir: string): Promise<PredictReference> {
  return JSON.parse(await readFile(join(dir, 'probabilities.json'), 'utf8')) as PredictReference;
}
