// Signals a trainer and everything it started. On POSIX the trainer is forked `detached`, which
// makes it the leader of its own process group, so one signal to `-pid` reaches the whole tree
// (the `tree-kill` package walks `ps` output instead; a group is simpler and race-free).
// Windows has no groups or POSIX signals: `taskkill /T /F` ends the tree.
import { spawn } from 'node:child_process';

export const killsProcessGroups = process.platform !== 'win32';

export function signalProcessTree(pid: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    const taskkill = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    taskkill.on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // No such group (already gone, or not a group leader): signal the process alone.
    try {
      process.kill(pid, signal);
    } catch {
      // Already exited.
    }
  }
}
