// One process, named so that it can be recognised later from another process, even on another
// machine that shares the disk: its pid, when it started (clock ticks since boot) and the machine.
// A live pid alone says little: pids are handed out again, and a pid from another machine or
// container says nothing here. Used by the run folder's lock (runLock.ts).
import { hasProcFileSystem, processStartTicks } from './procProcess';
import { hostRelation, thisHost } from './thisHost';
import type { HostIdentity } from '../run/hostIdentity';

export interface ProcessIdentity {
  pid: number;
  /** processStartTicks; null where /proc cannot tell it. */
  startTicks: number | null;
  host: HostIdentity;
}

/**
 * `alive`: that very process runs (or may: this machine cannot tell, e.g. without /proc).
 * `dead`: it is gone, or its pid belongs to another process now, or the machine rebooted since.
 * `unknown`: it ran on another machine or container, whose processes this one cannot see.
 */
export type ProcessPresence = 'alive' | 'dead' | 'unknown';

export function thisProcess(): ProcessIdentity {
  return { pid: process.pid, startTicks: processStartTicks(process.pid), host: thisHost() };
}

/** Whether the process is still there, as sure as this machine can be; `recordedAt`: when it was named (ISO). */
export function processPresence(identity: ProcessIdentity, recordedAt: string | null): ProcessPresence {
  const relation = hostRelation(identity.host, recordedAt);
  if (relation === 'rebooted') return 'dead';
  if (relation === 'other') return 'unknown';
  const { pid } = identity;
  if (!Number.isInteger(pid) || pid <= 0) return 'dead';
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: a process of another user holds the pid; whether it is the one named, /proc says.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  if (identity.startTicks === null || !hasProcFileSystem()) return 'alive';
  const startTicks = processStartTicks(pid);
  return startTicks !== null && startTicks === identity.startTicks ? 'alive' : 'dead';
}
