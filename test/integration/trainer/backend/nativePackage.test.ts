// The native kernels as the .vsix carries them (scripts/native/bundleNative.mjs): the addon and the
// libraries it needs in one folder, linked with an RPATH of $ORIGIN/lib, so that a machine without
// oneDNN loads them from beside the addon. Checked by loading the packaged copy in a fresh Node and
// reading which files the process mapped, and by training through the CLI with it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { nativeAddonOrReason } from '../../../support/nativeTestSetup';
import { repoRoot } from '../../../support/paths';
import { skipIfMissing } from '../../../support/prerequisites';
import { tinyExperiment } from '../../../support/tinyExperiment';

const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

/** The shared libraries a Node process has mapped after loading `addon`. */
function librariesMappedWith(addon: string): string[] {
  const script =
    `require(${JSON.stringify(addon)});` +
    "const maps = require('fs').readFileSync('/proc/self/maps', 'utf8').split('\\n');" +
    'console.log(JSON.stringify([...new Set(maps.map((line) => line.split(/\\s+/).pop()).filter((path) => /\\.so/.test(path)))]));';
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

describe('the native kernels as packaged', () => {
  it('carry oneDNN and its runtimes, and load them from beside the addon', { skip }, () => {
    const out = join(temporaryFolder('native-package'), 'native');
    const bundled = spawnSync(process.execPath, [join(repoRoot, 'scripts/native/bundleNative.mjs'), '--out', out], {
      encoding: 'utf8',
    });
    assert.equal(bundled.status, 0, bundled.stderr);
    assert.match(bundled.stdout, /^medtransfer: native kernels packaged in .* \(\d files, \d+\.\d MB\)$/m);
    const addon = join(out, 'medtransfer_native.node');
    for (const file of [addon, join(out, 'lib', 'libdnnl.so.2'), join(out, 'lib', 'libgomp.so.1')])
      assert.ok(existsSync(file), `${file} is packaged`);

    const dynamic = spawnSync('readelf', ['-d', addon], { encoding: 'utf8' });
    assert.match(dynamic.stdout, /\(RPATH\)\s+Library rpath: \[\$ORIGIN\/lib\]/, 'an RPATH, which also serves oneDNN');

    const mapped = librariesMappedWith(addon);
    for (const soname of ['libdnnl.so.2', 'libgomp.so.1']) {
      const loaded = mapped.filter((path) => path.endsWith(`/${soname}`));
      assert.deepEqual(loaded, [join(out, 'lib', soname)], `${soname} from the package, not the system`);
    }

    // The trainer takes the packaged addon (the folder beside the bundle, named here) and trains on it.
    const folder = temporaryFolder('native-packaged-run');
    const experiment = writeExperiment(folder, 'tiny', tinyExperiment({ name: 'tiny-packaged' }));
    const run = runCli(['run', experiment, '--no-progress'], {
      env: { ...process.env, MEDTRANSFER_NATIVE_ADDON: addon },
    });
    assert.equal(run.status, 0, run.stderr);
    const [started] = eventsOf(readEvents(runDirFromOutput(run.stdout)), 'run-started');
    assert.equal(started?.backend, 'native', started?.backendNotes.join('\n'));
  });
});
