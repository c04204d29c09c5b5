// code-server (VS Code 1.99's web build with a real Node.js extension host) for the end-to-end
// suite: installed by ../shared/tools/install-code-server.sh, given a throw-away profile, and
// started on a free loopback port. It runs in its own process group so stop() ends the
// extension host and the trainers it forked too, even when a test fails half way.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The install script: beside the repository in CI (`../shared`), or where MEDTRANSFER_INSTALL_CODE_SERVER says. */
export const INSTALL_SCRIPT =
  process.env.MEDTRANSFER_INSTALL_CODE_SERVER ?? join(REPO_ROOT, '..', 'shared', 'tools', 'install-code-server.sh');

/** Runs the (idempotent) install script and returns code-server's entry script. */
export function installCodeServer(): string {
  if (!existsSync(INSTALL_SCRIPT))
    throw new Error(`no code-server install script at ${INSTALL_SCRIPT} (set MEDTRANSFER_INSTALL_CODE_SERVER)`);
  // The first install builds native modules and takes minutes; later calls only print the path.
  const result = spawnSync('bash', [INSTALL_SCRIPT], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) throw new Error(`${INSTALL_SCRIPT} failed (${result.status ?? result.signal})`);
  const entry = result.stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(entry)) throw new Error(`${INSTALL_SCRIPT} printed ${JSON.stringify(entry)}, which does not exist`);
  return entry;
}

/**
 * User settings for a quiet, predictable workbench: no trust dialog (it covers the workbench),
 * no welcome page, walkthroughs, tips, telemetry or update checks, and no editor features that
 * would add widgets to the lines we click (inline chat hints, minimap, sticky scroll).
 */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'editor.hover.delay': 100,
  'files.autoSave': 'off',
  'git.enabled': false,
  'window.commandCenter': false,
};

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
}

/** A fresh user-data and extensions folder under `root`, with `settings` over QUIET_SETTINGS. */
export function createProfile(root: string, settings: Readonly<Record<string, unknown>> = {}): Profile {
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    `${JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2)}\n`,
  );
  return { userDataDir, extensionsDir };
}

export function installExtension(entry: string, profile: Profile, vsix: string): void {
  const result = spawnSync(
    process.execPath,
    [
      entry,
      '--user-data-dir',
      profile.userDataDir,
      '--extensions-dir',
      profile.extensionsDir,
      '--install-extension',
      vsix,
    ],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} into code-server failed (${result.status ?? result.signal}):\n${output}`);
  }
}

export interface CodeServer {
  url: string;
  port: number;
  /** Everything code-server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export async function startCodeServer(
  entry: string,
  profile: Profile,
  options: { timeoutMs?: number } = {},
): Promise<CodeServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      profile.userDataDir,
      '--extensions-dir',
      profile.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    // detached: a process group of its own, killed as a whole by stop().
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '' } },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: CodeServer = {
    url: `http://127.0.0.1:${port}/`,
    port,
    output: () => output,
    stop: () => stopGroup(child, exited),
  };
  try {
    await waitForHealthy(server, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealthy(server: CodeServer, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}):\n${server.output()}`);
    try {
      const response = await fetch(`${server.url}healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer on ${server.url} within ${timeoutMs} ms:\n${server.output()}`);
}

/** SIGTERM to the whole group (code-server, extension host, trainers), SIGKILL after a grace period. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
  const result = await Promise.race([exited.then(() => 'exited' as const), timer]);
  // The extension host and trainers may outlive code-server's own exit: always sweep the group.
  signalGroup('SIGKILL');
  if (result === 'timeout') await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
}
