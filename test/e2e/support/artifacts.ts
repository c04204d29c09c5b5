// What a failed CI run needs to be understood without rerunning it: the extension's own log
// channels, the extension host's log, code-server's output and the browser console, copied
// next to the screenshots under test-output/e2e/logs/.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Profile } from './codeServer';

export function saveLogs(
  outputDir: string,
  profile: Profile | undefined,
  extra: Readonly<Record<string, string>>,
): void {
  const dir = join(outputDir, 'logs');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  const logsRoot = profile ? join(profile.userDataDir, 'logs') : null;
  if (!logsRoot || !existsSync(logsRoot)) return;
  const files = readdirSync(logsRoot, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.log') && (/medtransfer/i.test(file) || basename(file) === 'remoteexthost.log'),
  );
  for (const file of files) copyFileSync(join(logsRoot, file), join(dir, file.replace(/[\\/]/g, '__')));
}
