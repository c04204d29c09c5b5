// This machine as run folders record it (shared/run/hostIdentity.ts), and what a recorded
// machine is to us: a pid recorded here, in this boot and this pid namespace, can be checked; one
// recorded on another machine or in another container cannot (its pids are not ours to see).
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { HostIdentity } from '../run/hostIdentity';
import { bootTimeSeconds } from './procProcess';

/**
 * `this`: this machine, this boot, this pid namespace: its pids can be checked here.
 * `rebooted`: this machine (same name) before its last boot: every process of it is gone.
 * `other`: another machine or container (or one this machine cannot tell from another).
 */
export type HostRelation = 'this' | 'rebooted' | 'other';

let cached: HostIdentity | null = null;

export function thisHost(): HostIdentity {
  cached ??= { name: hostname(), bootId: readTrimmed('/proc/sys/kernel/random/boot_id'), pidNamespace: pidNamespace() };
  return cached;
}

/**
 * What the machine `recorded` (written at `recordedAt`, ISO) is to this one. Another boot of a
 * machine with this name counts as this machine rebooted only when the record is older than the
 * boot; a record written since then came from another machine that shares the name.
 */
export function hostRelation(recorded: HostIdentity, recordedAt: string | null, here = thisHost()): HostRelation {
  if (recorded.name !== here.name) return 'other';
  if (recorded.bootId !== here.bootId) {
    const bootSeconds = bootTimeSeconds();
    const at = recordedAt === null ? NaN : Date.parse(recordedAt);
    const beforeBoot =
      recorded.bootId !== null && bootSeconds !== null && Number.isFinite(at) && at < bootSeconds * 1000;
    return beforeBoot ? 'rebooted' : 'other';
  }
  return recorded.pidNamespace === here.pidNamespace ? 'this' : 'other';
}

/** How a recorded machine is named in a message: `host NAME` (its container or boot when only those differ). */
export function describeHost(recorded: HostIdentity, here = thisHost()): string {
  if (recorded.name !== here.name) return `host ${recorded.name}`;
  if (recorded.bootId !== here.bootId) return `host ${recorded.name} (another boot, or another machine of that name)`;
  return `host ${recorded.name} (another container: pid namespace ${recorded.pidNamespace ?? 'unknown'})`;
}

function pidNamespace(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

function readTrimmed(path: string): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readFileSync(path, 'utf8').trim() || null;
  } catch {
    return null;
  }
}
