// Runs one `npm install` as a child process: its output line by line as it comes, the last
// lines kept for the failure message, and cancellation that ends npm together with the install
// scripts it started (tfjs-node's libtensorflow download runs in a child of npm's own child).
import { spawn } from 'node:child_process';
import { LineSplitter } from '../trainer/lineSplitter';
import { killsProcessGroups, signalProcessTree } from '../trainer/treeKill';
import type { InstallOutcome } from './installMessages';
import type { NpmCommand } from './npmLocation';

/** Output lines kept for the failure message and the log. */
const KEPT_LINES = 200;
/** After SIGTERM, how long npm may take to clean up before SIGKILL. */
const KILL_GRACE_MS = 5_000;

export interface NpmInstallOptions {
  npm: NpmCommand;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

export interface NpmInstallRun {
  done: Promise<InstallOutcome>;
  cancel: () => void;
}

export function startNpmInstall({ npm, args, cwd, env, onLine }: NpmInstallOptions): NpmInstallRun {
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > KEPT_LINES) output.shift();
    onLine?.(line);
  };
  let cancelled = false;
  let closed = false;
  // Its own process group (POSIX), so that cancelling reaches the install scripts too.
  const child = spawn(npm.command, [...npm.args, ...args], {
    cwd,
    env: env ?? process.env,
    shell: npm.shell,
    detached: killsProcessGroups,
    windowsHide: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = new Promise<InstallOutcome>((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      const splitter = new LineSplitter();
      stream.on('data', (chunk: Buffer) => splitter.push(chunk).forEach(keep));
      stream.on('end', () => splitter.end().forEach(keep));
    }
    child.on('error', (error) => {
      closed = true;
      resolve({ kind: 'not-started', error: `${npm.command} could not be started: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      closed = true;
      if (cancelled) resolve({ kind: 'cancelled' });
      else if (code === 0) resolve({ kind: 'succeeded' });
      else resolve({ kind: 'failed', code, signal, output: [...output] });
    });
  });
  return {
    done,
    cancel: () => {
      if (closed || cancelled || child.pid === undefined) return;
      cancelled = true;
      const pid = child.pid;
      signalProcessTree(pid, 'SIGTERM');
      setTimeout(() => {
        if (!closed) signalProcessTree(pid, 'SIGKILL');
      }, KILL_GRACE_MS).unref();
    },
  };
}
