// Is the pid a run's events name still that run's trainer? Asked by `medtransfer resume` (which
// refuses a run whose trainer is alive), by the extension before it shows a run it did not start
// as running, and again before it sends that run's trainer SIGTERM. A trainer may outlive the
// window that started it, or die (killed, power loss) and leave its pid to another process, so a
// live pid alone says little. Our trainer is, all at once:
// - alive, and a process this user may signal: EPERM (another user's process) is never ours;
// - on Linux, by /proc: a MedTransfer CLI (`…/cli.js` or the `medtransfer` bin) whose command
//   line, read with the CLI's own parser, runs this run (`run FILE` with this run's id and runs
//   folder; for a later seed of a repeated experiment, the id of the group's first run, which is
//   what the one process that runs every seed was given) or resumes this run folder;
// - not younger than the event that named its pid (run-started or run-resumed), nor much older.
// Without /proc (macOS, Windows) only the first can be checked: a live pid this user may signal
// is taken as the trainer.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { RunState } from '../run/runState';
import { hasProcFileSystem, readProcProcess } from './procProcess';
import type { ProcProcess } from './procProcess';
import { parseTrainerCommandLine } from './trainerCommandLine';

export type TrainerCheck = 'our-trainer' | 'other-process' | 'dead';

export interface ExpectedTrainer {
  runId: string;
  /**
   * The run id the trainer's command line gives when it is not `runId`: a repeated experiment's
   * later seeds run in the process started for the first seed (`--run-id FIRST`). Null otherwise.
   */
  launchedAs?: string | null;
  /** The run folder: `<runs folder>/<experiment name>/<run id>`. */
  runDir: string;
  /** When the event that named the pid (run-started or run-resumed) was written (ISO), if known. */
  namedAt: string | null;
}

/** How much earlier than its run-started event a trainer process may have been started (ms). */
const STARTUP_SLACK_MS = 10 * 60_000;
/** Clock uncertainty between /proc's start time (in 1/100 s since boot) and event times (ms). */
const CLOCK_SLACK_MS = 5_000;

/** What a run's events say its trainer is; null when they name no pid. */
export function expectedTrainerOf(
  state: Pick<RunState, 'runId' | 'pid' | 'pidNamedAt' | 'startedAt' | 'seedGroup'>,
  runDir: string,
): { pid: number; expected: ExpectedTrainer } | null {
  if (state.pid === null) return null;
  const runId = state.runId ?? basename(runDir);
  const group = state.seedGroup?.group ?? null;
  return {
    pid: state.pid,
    expected: {
      runId,
      launchedAs: group === runId ? null : group,
      runDir,
      namedAt: state.pidNamedAt ?? state.startedAt,
    },
  };
}

export function checkTrainerOfRun(pid: number, expected: ExpectedTrainer): TrainerCheck {
  if (!Number.isInteger(pid) || pid <= 0) return 'dead';
  const signalled = signalZero(pid);
  if (signalled !== 'alive') return signalled;
  if (!hasProcFileSystem()) return 'our-trainer';
  const seen = readProcProcess(pid);
  // Gone between the two looks, or a zombie.
  if (seen === null) return 'dead';
  return isTrainerProcess(seen, expected) ? 'our-trainer' : 'other-process';
}

/** Whether a live process, as /proc shows it, is the trainer of that run. */
export function isTrainerProcess(seen: ProcProcess, expected: ExpectedTrainer): boolean {
  if (!isTrainerCommandLine(seen.args, expected, seen.cwd)) return false;
  const namedAt = expected.namedAt === null ? NaN : Date.parse(expected.namedAt);
  if (seen.startedAt === null || !Number.isFinite(namedAt)) return true;
  // Younger than the event that named it: a later process that got the same pid.
  if (seen.startedAt > namedAt + CLOCK_SLACK_MS) return false;
  return seen.startedAt >= namedAt - STARTUP_SLACK_MS;
}

/**
 * Whether the arguments are a MedTransfer trainer (`…/cli.js` or the `medtransfer` bin) running
 * or resuming that run: `run FILE … --run-id ID` (or no `--run-id`: the trainer chose it) with
 * the run's runs folder, or `resume RUN_DIR`. Relative paths are taken from `cwd`; when it is
 * unknown, only what does not need it is compared.
 */
export function isTrainerCommandLine(args: readonly string[], expected: ExpectedTrainer, cwd: string | null): boolean {
  const script = args.findIndex((arg) => basename(arg) === 'cli.js' || basename(arg) === 'medtransfer');
  if (script === -1) return false;
  const parsed = parseTrainerCommandLine(args.slice(script + 1));
  if (parsed.kind !== 'request') return false;
  const { request } = parsed;
  const absolute = (path: string): string | null =>
    isAbsolute(path) ? path : cwd === null ? null : resolve(cwd, path);
  if (request.command === 'run') {
    const runId = request.flags['run-id'];
    if (runId !== undefined && runId !== expected.runId && runId !== expected.launchedAs) return false;
    const file = absolute(request.positionals[0]);
    const runsDir = request.flags['runs-dir'];
    const runsFolder = runsDir === undefined ? (file === null ? null : join(dirname(file), 'runs')) : absolute(runsDir);
    return runsFolder === null || samePath(runsFolder, dirname(dirname(expected.runDir)));
  }
  if (request.command === 'resume') {
    const target = request.positionals[0];
    const runDir = absolute(target);
    return runDir === null ? basename(target) === expected.runId : samePath(runDir, expected.runDir);
  }
  return false;
}

function samePath(a: string, b: string): boolean {
  return canonical(a) === canonical(b);
}

/** The path with links resolved where it exists (a runs folder reached through a symlink). */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function signalZero(pid: number): 'alive' | TrainerCheck {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    // EPERM: alive, but another user's; the trainers this user starts can always be signalled.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'other-process' : 'dead';
  }
}
