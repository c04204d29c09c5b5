// Whether the trainer that wrote a run is still alive: its pid exists and, where the system
// says what a process runs (/proc on Linux), it is a MedTransfer trainer, not another program
// that got the same pid after a reboot.
import { readFileSync } from 'node:fs';

export function isTrainerAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else; then it is not our trainer either way.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No /proc (macOS, Windows): the pid exists, assume it is the trainer rather than resume twice.
    return process.platform !== 'linux';
  }
  return /medtransfer|cli\.js/.test(commandLine.replace(/\0/g, ' '));
}
