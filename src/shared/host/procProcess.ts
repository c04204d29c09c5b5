// What Linux says about a running process in /proc: its arguments, its working folder and when
// it started, and when the machine booted. Only Linux has /proc in this form; elsewhere every
// answer is null.
import { existsSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcProcess {
  /** argv, from /proc/PID/cmdline (node's path first). */
  args: string[];
  /** The working folder, which relative paths in `args` are relative to; null when not readable. */
  cwd: string | null;
  /** When the process started (ms since the epoch), null when not readable. */
  startedAt: number | null;
}

/** Whether this system shows processes in /proc (Linux, with /proc mounted). */
export function hasProcFileSystem(procRoot = '/proc'): boolean {
  return process.platform === 'linux' && existsSync(`${procRoot}/self/cmdline`);
}

/** The process as /proc shows it; null when it is gone or a zombie (exited, not yet reaped). */
export function readProcProcess(pid: number, procRoot = '/proc'): ProcProcess | null {
  let cmdline: string;
  try {
    cmdline = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
  // A zombie has an empty command line.
  if (cmdline === '') return null;
  return {
    args: cmdline.split('\0').filter((arg) => arg !== ''),
    cwd: readLink(`${procRoot}/${pid}/cwd`),
    startedAt: processStartTime(pid, procRoot),
  };
}

/** When the process started (ms since epoch), from /proc/PID/stat and the boot time, or null. */
export function processStartTime(pid: number, procRoot = '/proc'): number | null {
  const ticks = processStartTicks(pid, procRoot);
  const bootSeconds = bootTimeSeconds(procRoot);
  // /proc reports times in USER_HZ, which is 100 on every Linux architecture Node runs on.
  return ticks === null || bootSeconds === null ? null : bootSeconds * 1000 + ticks * 10;
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/PID/stat); null when it
 * is gone or a zombie (exited, not yet reaped). With the boot and the pid it names one process
 * exactly: a later process that gets the pid has another start. Unlike processStartTime it does
 * not move when the clock is set.
 */
export function processStartTicks(pid: number, procRoot = '/proc'): number | null {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): the state is field 3,
    // starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/** When this machine booted (s since epoch), from /proc/stat, or null. */
export function bootTimeSeconds(procRoot = '/proc'): number | null {
  try {
    const bootLine = readFileSync(`${procRoot}/stat`, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('btime '));
    const seconds = Number(bootLine?.slice('btime '.length));
    return bootLine !== undefined && Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  }
}

function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
