// Is the pid a run's events name still that run's trainer? A window that reloaded finds runs
// with no `run-ended`: their trainer may still be going (it outlives the window) or may have
// died (killed, power loss). Pids are reused, so a live pid alone is not enough before we show
// a run as running or send it a signal: on Linux its command line must be a MedTransfer
// trainer of that run, and the process must not be younger than the event that named it.
// Elsewhere only `process.kill(pid, 0)` is available, and a live pid is taken at its word.
import { readFileSync, readlinkSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';

export type PidCheck = 'our-trainer' | 'other-process' | 'dead';

export interface ExpectedTrainer {
  runId: string;
  runDir: string;
  /** When the event that named the pid (run-started or run-resumed) was written (ISO), if known. */
  namedAt: string | null;
}

/** How much earlier than its run-started event a trainer process may have been started (ms). */
const STARTUP_SLACK_MS = 10 * 60_000;
/** Clock uncertainty between /proc's start time (in 1/100 s since boot) and event times (ms). */
const CLOCK_SLACK_MS = 5_000;

export function checkTrainerPid(
  pid: number,
  expected: ExpectedTrainer,
  procRoot = '/proc',
  platform: NodeJS.Platform = process.platform,
): PidCheck {
  if (!Number.isInteger(pid) || pid <= 0) return 'dead';
  if (platform !== 'linux') return checkWithSignalZero(pid);
  let cmdline: string;
  try {
    cmdline = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8');
  } catch {
    return 'dead';
  }
  // A zombie (exited, not yet reaped) has an empty command line.
  if (cmdline === '') return 'dead';
  const args = cmdline.split('\0').filter((arg) => arg !== '');
  const cwd = readLink(`${procRoot}/${pid}/cwd`);
  if (!isTrainerCommandLine(args, expected, cwd)) return 'other-process';
  const startedAt = processStartTime(pid, procRoot);
  const namedAt = expected.namedAt === null ? NaN : Date.parse(expected.namedAt);
  if (startedAt !== null && Number.isFinite(namedAt)) {
    // Younger than the event that named it: a later process that got the same pid.
    if (startedAt > namedAt + CLOCK_SLACK_MS) return 'other-process';
    if (startedAt < namedAt - STARTUP_SLACK_MS) return 'other-process';
  }
  return 'our-trainer';
}

/**
 * Whether the arguments are a MedTransfer trainer (`…/cli.js` or the `medtransfer` bin) running
 * or resuming that run: `run FILE … --run-id ID` (or no `--run-id`: the trainer chose it), or
 * `resume RUN_DIR`.
 */
export function isTrainerCommandLine(
  args: readonly string[],
  expected: Pick<ExpectedTrainer, 'runId' | 'runDir'>,
  cwd: string | null,
): boolean {
  const script = args.findIndex((arg) => basename(arg) === 'cli.js' || basename(arg) === 'medtransfer');
  if (script === -1) return false;
  const rest = args.slice(script + 1);
  const command = rest.find((arg) => !arg.startsWith('-'));
  if (command === 'run') {
    const flag = rest.indexOf('--run-id');
    if (flag !== -1) return rest[flag + 1] === expected.runId;
    const inline = rest.find((arg) => arg.startsWith('--run-id='));
    return inline === undefined || inline.slice('--run-id='.length) === expected.runId;
  }
  if (command === 'resume') {
    const target = rest.slice(rest.indexOf('resume') + 1).find((arg) => !arg.startsWith('-'));
    if (target === undefined) return false;
    const absolute = isAbsolute(target) ? target : cwd === null ? null : resolve(cwd, target);
    return absolute === null ? basename(target) === expected.runId : resolve(absolute) === resolve(expected.runDir);
  }
  return false;
}

/** When the process started (ms since epoch), from /proc/PID/stat and the boot time, or null. */
export function processStartTime(pid: number, procRoot = '/proc'): number | null {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootLine = readFileSync(`${procRoot}/stat`, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('btime '));
    const bootSeconds = Number(bootLine?.slice('btime '.length));
    // /proc reports times in USER_HZ, which is 100 on every Linux architecture Node runs on.
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return null;
    return bootSeconds * 1000 + ticks * 10;
  } catch {
    return null;
  }
}

function checkWithSignalZero(pid: number): PidCheck {
  try {
    process.kill(pid, 0);
    return 'our-trainer';
  } catch (error) {
    // EPERM: alive, but another user's process, so not a trainer this user started.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'other-process' : 'dead';
  }
}

function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
