// The text of the notification for a run that failed or was interrupted: what kind of failure,
// the trainer's message, and what to do about it (the kind's advice), so the user can act
// without opening the log.
import { errorKindAdvice, errorKindLabel } from '../../shared/run/errorKind';
import type { RunOutcome } from './runOutcome';

/** `MedTransfer: run demo · 20261124-101500 failed (out of memory): <message>. Lower …` */
export function failureNotice(label: string, outcome: Pick<RunOutcome, 'status' | 'error' | 'errorKind'>): string {
  const { status, errorKind } = outcome;
  const what = status === 'interrupted' ? 'was interrupted' : 'failed';
  // `was interrupted (interrupted)` would say it twice.
  const kind = errorKind === null || errorKind === 'interrupted' ? '' : ` (${errorKindLabel(errorKind)})`;
  return `MedTransfer: run ${label} ${what}${kind}: ${messageAndAdvice(outcome)}`;
}

/**
 * `MedTransfer: run demo · 20261124-101500 could not be resumed (backend): <message>. Install …`:
 * the resumed trainer stopped before it touched the run, which stays as it was.
 */
export function resumeFailureNotice(label: string, outcome: Pick<RunOutcome, 'error' | 'errorKind'>): string {
  const { errorKind } = outcome;
  const kind = errorKind === null ? '' : ` (${errorKindLabel(errorKind)})`;
  return `MedTransfer: run ${label} could not be resumed${kind}: ${messageAndAdvice(outcome)}`;
}

/** The trainer's message, then the kind's advice (after a full stop). */
function messageAndAdvice({ error, errorKind }: Pick<RunOutcome, 'error' | 'errorKind'>): string {
  const message = error ?? 'unknown error';
  const advice = errorKind === null ? '' : ` ${errorKindAdvice(errorKind)}`;
  return `${message}${advice && !/[.!?]$/.test(message) ? '.' : ''}${advice}`;
}
