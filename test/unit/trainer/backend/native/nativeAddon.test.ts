// Finding and loading the native kernels' addon: MEDTRANSFER_NATIVE turns it off, a missing
// addon is "not built" naming where it was looked for, a file that is not an addon "does not
// load" with the loader's reason, and from dist/ or from src/ the built addon is found.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ADDON_FILE,
  addonCandidates,
  isNativeTurnedOff,
  isWinogradAllowed,
  loadNativeAddon,
} from '../../../../../src/trainer/backend/native/nativeAddon';
import { temporaryFolder } from '../../../../support/cliHarness';
import { repoRoot } from '../../../../support/paths';

describe('native addon loading', () => {
  it('is turned off by MEDTRANSFER_NATIVE=0, false, off or no, and by nothing else', () => {
    for (const value of ['0', 'false', 'OFF', ' no '])
      assert.ok(isNativeTurnedOff({ MEDTRANSFER_NATIVE: value }), value);
    for (const value of ['1', 'on', '', undefined]) assert.ok(!isNativeTurnedOff({ MEDTRANSFER_NATIVE: value }));
    const load = loadNativeAddon({ env: { MEDTRANSFER_NATIVE: '0' } });
    assert.deepEqual(load, { ok: false, reason: 'off', note: 'turned off by MEDTRANSFER_NATIVE=0' });
  });

  it('allows Winograd unless MEDTRANSFER_WINOGRAD=0, false, off or no', () => {
    for (const value of ['0', 'false', 'OFF', ' no ']) assert.ok(!isWinogradAllowed({ MEDTRANSFER_WINOGRAD: value }));
    for (const value of ['1', 'on', '', undefined]) assert.ok(isWinogradAllowed({ MEDTRANSFER_WINOGRAD: value }));
  });

  it('says "not built", naming the places looked in and how to build it', () => {
    const missing = join(temporaryFolder('addon'), ADDON_FILE);
    const load = loadNativeAddon({ env: { MEDTRANSFER_NATIVE_ADDON: missing } });
    assert.equal(load.ok, false);
    assert.ok(!load.ok && load.reason === 'missing');
    assert.match(
      load.ok ? '' : load.note,
      /^not built \(no medtransfer_native\.node in .*\); `npm install` builds it where/,
    );
  });

  it('says a file that is not an addon does not load, with the reason', () => {
    const fake = join(temporaryFolder('addon'), ADDON_FILE);
    writeFileSync(fake, 'not a shared library');
    const load = loadNativeAddon({ env: { MEDTRANSFER_NATIVE_ADDON: fake } });
    assert.ok(!load.ok && load.reason === 'failed', JSON.stringify(load));
    assert.match(load.ok ? '' : load.note, new RegExp(`^${fake.replace(/[.]/g, '\\.')} does not load: .+`));
  });

  it('looks beside the bundle, then in native/build/Release of the folders above', () => {
    const dist = join(repoRoot, 'dist');
    const candidates = addonCandidates(dist);
    assert.equal(candidates[0], join(dist, 'native', ADDON_FILE));
    assert.ok(candidates.includes(join(repoRoot, 'native', 'build', 'Release', ADDON_FILE)));
    assert.ok(addonCandidates(join(repoRoot, 'src', 'trainer', 'backend', 'native')).includes(candidates[2] ?? ''));
  });
});
