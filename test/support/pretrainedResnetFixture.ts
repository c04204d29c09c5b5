// A resnet18 state dict pretrained here in PyTorch on Fashion-MNIST at 64×64
// (test/fixtures/weights/pretrain_resnet18_fashion.py): a real pretraining, as a user's .pth file.
import { join } from 'node:path';
import { fixturesDir } from './paths';
import { makePythonFixtures } from './pythonFixtures';
import type { FixturesResult } from './pythonFixtures';

export const PRETRAINED_RESNET18_FILE = 'resnet18-fashion64.pth';

let made: Promise<FixturesResult> | undefined;

/** The folder holding PRETRAINED_RESNET18_FILE, made if needed (a few minutes); or why it cannot be. */
export function pretrainedResnet18Fixture(): Promise<FixturesResult> {
  made ??= makePythonFixtures({
    generator: join(fixturesDir, 'weights', 'pretrain_resnet18_fashion.py'),
    cacheName: 'pretrained-resnet18-fashion',
    marker: 'training.json',
    needs: 'python3-torch, python3-torchvision and dataset-fashion-mnist',
    timeoutMs: 30 * 60_000,
  });
  return made;
}
