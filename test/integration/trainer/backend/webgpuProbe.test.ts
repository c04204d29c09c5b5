// The WebGPU probe `auto` runs in a child process (src/trainer/backend/webgpuProbe.ts): it answers
// what Dawn found, keeps Dawn's output out of this process's stderr but in the note when there is
// no adapter, and gives up on a child that does not answer in time.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { probeWebgpuInChild } from '../../../../src/trainer/backend/webgpuProbe';
import { temporaryFolder } from '../../../support/cliHarness';
import { skipMissing } from '../../../support/prerequisites';
import { hasWebgpuPackage, probeWebgpu } from '../../../support/webgpuProbe';

describe('the WebGPU probe in a child process', () => {
  it('without a Vulkan driver: no adapter, and what Dawn said in the note', async (t) => {
    const probe = await probeWebgpu();
    if (!probe.available) {
      skipMissing(t, `no WebGPU adapter here to take away: ${probe.reason}`);
      return;
    }
    const noDriver = join(temporaryFolder('no-vulkan-driver'), 'none.json');
    const search = await probeWebgpuInChild({ searchPaths: [], env: { ...process.env, VK_ICD_FILENAMES: noDriver } });
    assert.equal(search.found, false);
    assert.match(
      search.found ? '' : search.note,
      /^no WebGPU adapter \(is libvulkan\.so\.1 and a Vulkan driver installed\?\); Dawn said: .*vkCreateInstance/,
    );
    assert.ok(!(search.found ? '' : search.note).includes('    at '), 'no native stack frames in the note');
  });

  it('gives up, saying so, on a child that does not answer in time', async (t) => {
    if (!hasWebgpuPackage()) {
      skipMissing(t, 'the webgpu package (an optional dependency) is not installed');
      return;
    }
    const search = await probeWebgpuInChild({ searchPaths: [], timeoutMs: 1 });
    assert.deepEqual(search, {
      found: false,
      reason: 'failed',
      note: 'the WebGPU probe did not answer within 0.001 s',
    });
  });
});
