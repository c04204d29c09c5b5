// How a trainer's exit ends its run: the trainer's own `run-ended` when it sent one (its status,
// message and errorKind, as the trainer decided them); otherwise `stopped` when the user asked
// for a stop, `interrupted` when it was killed from outside (SIGKILL…), `failed` for a crash or a
// non-zero exit, with the most telling line of stderr.
import type { ErrorKind } from '../../shared/run/errorKind';
import type { RunEndStatus } from '../../shared/run/events';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { TrainerExit } from './trainerProcess';

export interface RunOutcome {
  status: RunEndStatus;
  /** What went wrong, in one line; null for a clean end. */
  error: string | null;
  /** Why it failed or was interrupted; null for a clean end (and for runs of trainers older than errorKind). */
  errorKind: ErrorKind | null;
  /** Whether the trainer wrote its own `run-ended` (else the host records one). */
  reportedByTrainer: boolean;
}

export function outcomeOfExit(exit: TrainerExit): RunOutcome {
  if (exit.spawnError !== null) {
    return {
      status: 'failed',
      error: `could not start the trainer: ${exit.spawnError}`,
      errorKind: 'backend',
      reportedByTrainer: false,
    };
  }
  const killedByUs = exit.escalation !== null;
  const nonZero = exit.code !== null && exit.code !== 0;
  if (exit.runEnded) {
    const { status, error, errorKind } = exit.runEnded;
    if (nonZero && !killedByUs && status !== 'failed') {
      // It said it ended well, then exited with an error: nothing the user did explains that.
      return { status: 'failed', error: error ?? describeExit(exit), errorKind: 'internal', reportedByTrainer: true };
    }
    return {
      status,
      error: status === 'failed' ? (error ?? describeExit(exit)) : error,
      errorKind,
      reportedByTrainer: true,
    };
  }
  // From here on the trainer died without writing run-ended, so it decided no errorKind: the
  // host decides one from how the process ended. This fallback is the only place that reads the
  // trainer's exit code and stderr to tell what happened.
  if (exit.stopRequested) {
    const error =
      exit.escalation === 'SIGKILL'
        ? 'the trainer did not stop in time and was killed; the model may not have been saved'
        : null;
    return { status: 'stopped', error, errorKind: null, reportedByTrainer: false };
  }
  if (exit.signal !== null && KILLED_FROM_OUTSIDE.has(exit.signal)) {
    // Killed (SIGKILL by a user or the kernel's out-of-memory killer, a hang-up): not the
    // trainer's own failure. Its last checkpoint is intact: Resume continues it.
    return {
      status: 'interrupted',
      error:
        `the trainer was killed by ${exit.signal}` +
        `${exit.signal === 'SIGKILL' ? ' (by a user, or by the system when memory ran out)' : ''}`,
      errorKind: 'interrupted',
      reportedByTrainer: false,
    };
  }
  if (!nonZero && exit.signal === null) {
    return {
      status: 'failed',
      error: lastErrorLine(exit.stderrTail) ?? 'the trainer exited without ending the run',
      errorKind: 'internal',
      reportedByTrainer: false,
    };
  }
  return { status: 'failed', error: describeExit(exit), errorKind: kindOfCrash(exit), reportedByTrainer: false };
}

/** Signals that end a process from outside; crash signals (SIGSEGV, SIGABRT…) mean a failure. */
const KILLED_FROM_OUTSIDE: ReadonlySet<NodeJS.Signals> = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']);

/**
 * A trainer whose backend would not start says so by its exit code, 4. (Its code 1, an invalid
 * experiment file, is also Node's own code for an uncaught exception, so it tells nothing; the
 * extension validates the file before it starts a run anyway.) V8 running out of heap aborts the
 * process before any handler runs, leaving only its FATAL ERROR line.
 */
function kindOfCrash(exit: TrainerExit): ErrorKind {
  if (exit.code === EXIT.backend) return 'backend';
  if (exit.stderrTail.some((line) => /JavaScript heap out of memory/.test(line))) return 'out-of-memory';
  return 'internal';
}

function describeExit(exit: TrainerExit): string {
  const line = lastErrorLine(exit.stderrTail);
  if (line !== null) return line;
  if (exit.signal !== null) return `the trainer was killed by ${exit.signal}`;
  return `the trainer exited with code ${exit.code ?? 'unknown'}`;
}

/** Stack frames, Node's version footer and caret markers say nothing to a user. */
const NOISE = [/^\s+at\s/, /^Node\.js v\d/, /^\s*\^+\s*$/, /^\s*$/];

/** The most telling line of stderr: the last one that names an error, else the last one. */
export function lastErrorLine(lines: readonly string[]): string | null {
  const meaningful = lines.filter((line) => !NOISE.some((pattern) => pattern.test(line))).map((line) => line.trim());
  for (let index = meaningful.length - 1; index >= 0; index--) {
    const line = meaningful[index];
    if (line !== undefined && /error|exception|fatal|failed|cannot|could not|invalid/i.test(line)) return line;
  }
  return meaningful[meaningful.length - 1] ?? null;
}
