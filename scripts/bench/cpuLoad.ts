// How busy the machine is apart from the bench: /proc/stat's CPU time against what the measured
// child says it used. Others run tests on these shared 2-core machines, and one busy neighbour
// can halve a row; each row records the share of the machine others took while it ran.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Linux reports /proc/stat in USER_HZ ticks, 100 a second on every common build. */
const TICKS_PER_SECOND = 100;

export interface CpuTimes {
  /** Seconds of CPU time spent busy, all cores together, since boot. */
  busy: number;
  /** Wall-clock time of the sample (performance.now(), ms). */
  at: number;
}

/** null where /proc/stat cannot be read (not Linux). */
export function readCpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...fields] = line.trim().split(/\s+/);
    const ticks = fields.map(Number);
    // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: (total - idle) / TICKS_PER_SECOND, at: performance.now() };
  } catch {
    return null;
  }
}

/**
 * Share of the machine (0–1, all cores) that others used between two samples, given the CPU
 * seconds the measured process itself used; null without samples.
 */
export function otherLoad(
  before: CpuTimes | null,
  after: CpuTimes | null,
  ownCpuSeconds: number,
  cores = availableParallelism(),
): number | null {
  if (before === null || after === null) return null;
  const wallSeconds = (after.at - before.at) / 1000;
  if (wallSeconds <= 0) return null;
  const others = after.busy - before.busy - ownCpuSeconds;
  return Math.min(1, Math.max(0, others / (wallSeconds * cores)));
}

/** Waits until others use less than `threshold` of the machine over a 2 s sample, or `maxSeconds` pass. Returns the last share seen. */
export async function waitForQuiet(maxSeconds: number, threshold = 0.1): Promise<number | null> {
  const deadline = performance.now() + maxSeconds * 1000;
  let share: number | null = null;
  do {
    const before = readCpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    share = otherLoad(before, readCpuTimes(), 0);
    if (share === null || share < threshold) return share;
  } while (performance.now() < deadline);
  return share;
}
