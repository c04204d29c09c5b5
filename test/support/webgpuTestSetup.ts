// Shared by the WebGPU test files: starts webgpu through selectBackend, as the trainer starts it,
// where this machine has an adapter (on a CPU-only machine: Mesa's lavapipe, see README
// "Backends"), and releases Dawn after the file's tests; each test asks needsWebgpu first.
import { after, before } from 'node:test';
import type { TestContext } from 'node:test';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import type { SelectedBackend } from '../../src/trainer/backend/selectBackend';
import { skipMissing } from './prerequisites';
import { probeWebgpu } from './webgpuProbe';

export interface WebgpuForTests {
  /** The started backend, once `before` has run (undefined without an adapter). */
  selected(): SelectedBackend | undefined;
  /** True when the test should go on; otherwise marks it skipped with the reason (or fails it, when all tests are required). */
  needsWebgpu(t: TestContext): boolean;
}

/** Registers the file's before and after hooks; call at the top level of a test file. */
export function webgpuForTests(): WebgpuForTests {
  let selected: SelectedBackend | undefined;
  let skipReason: string | undefined;
  before(async () => {
    const probe = await probeWebgpu();
    if (!probe.available) {
      skipReason = `no WebGPU adapter here: ${probe.reason}`;
      return;
    }
    selected = await selectBackend('webgpu', { log: () => undefined });
  });
  // Dawn's GPU object keeps Node alive until released.
  after(() => selected?.release());
  return {
    selected: () => selected,
    needsWebgpu: (t) => {
      if (selected !== undefined) return true;
      skipMissing(t, skipReason ?? 'webgpu did not start');
      return false;
    },
  };
}
