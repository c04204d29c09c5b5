// How a trainer's exit ends its run: the trainer's own `run-ended` when it sent one; otherwise
// `stopped` when the user asked for a stop, `failed` for a crash or a non-zero exit, with the
// most telling line of stderr for the notification.
import type { RunEndStatus } from '../../shared/run/events';
import type { TrainerExit } from './trainerProcess';

export interface RunOutcome {
  status: RunEndStatus;
  /** What went wrong, in one line; null for a clean end. */
  error: string | null;
  /** Whether the trainer wrote its own `run-ended` (else the host records one). */
  reportedByTrainer: boolean;
}

export function outcomeOfExit(exit: TrainerExit): RunOutcome {
  if (exit.spawnError !== null) {
    return { status: 'failed', error: `could not start the trainer: ${exit.spawnError}`, reportedByTrainer: false };
  }
  const killedByUs = exit.escalation !== null;
  const nonZero = exit.code !== null && exit.code !== 0;
  if (exit.runEnded) {
    const { status, error } = exit.runEnded;
    if (nonZero && !killedByUs && status !== 'failed') {
      return { status: 'failed', error: error ?? describeExit(exit), reportedByTrainer: true };
    }
    return { status, error: status === 'failed' ? (error ?? describeExit(exit)) : error, reportedByTrainer: true };
  }
  if (exit.stopRequested) {
    const error = exit.escalation === 'SIGKILL' ? 'the trainer did not stop in time and was killed; the model may not have been saved' : null;
    return { status: 'stopped', error, reportedByTrainer: false };
  }
  if (!nonZero && exit.signal === null) {
    return { status: 'failed', error: lastErrorLine(exit.stderrTail) ?? 'the trainer exited without ending the run', reportedByTrainer: false };
  }
  return { status: 'failed', error: describeExit(exit), reportedByTrainer: false };
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
