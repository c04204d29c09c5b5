// The extension as users get it: the .vsix that `npm run package` builds (production bundles,
// .vscodeignore applied). MEDTRANSFER_E2E_VSIX points at an already built one instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { REPO_ROOT } from './codeServer';

export function packageExtension(): string {
  const given = process.env.MEDTRANSFER_E2E_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`MEDTRANSFER_E2E_VSIX=${given} does not exist`);
    return resolve(given);
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 5 * 60_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`npm run package failed (${result.status ?? result.signal}):\n${output}`);
  // vsce ends with `DONE  Packaged: /path/medtransfer-0.1.0.vsix (16 files, 1.39 MB)`.
  const packaged = /Packaged:\s+(.+?\.vsix)\b/.exec(output)?.[1];
  if (!packaged) throw new Error(`npm run package did not say where it wrote the .vsix:\n${output}`);
  const path = isAbsolute(packaged) ? packaged : resolve(REPO_ROOT, packaged);
  if (!existsSync(path)) throw new Error(`npm run package reported ${path}, which does not exist`);
  return path;
}
