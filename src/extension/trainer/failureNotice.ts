// The text of the notification for a run that failed or was interrupted: what kind of failure,
// the trainer's message, and what to do about it (the kind's advice), so the user can act
// without opening the log.
import { errorKindAdvice, errorKindLabel } from '../../shared/run/errorKind';
import type { RunOutcome } from './runOutcome';

/** `MedTransfer: run demo · 20261124-101500 failed (out of memory): <message>. Lower …` */
export function failureNotice(label: string, outcome: Pick<RunOutcome, 'status' | 'error' | 'errorKind'>): string {
  const { status, error, errorKind } = outcome;
  const what = status === 'interrupted' ? 'was interrupted' : 'failed';
  // `was interrupted (interrupted)` would say it twice.
  const kind = errorKind === null || errorKind === 'interrupted' ? '' : ` (${errorKindLabel(errorKind)})`;
  const message = error ?? 'unknown error';
  const advice = errorKind === null ? '' : ` ${errorKindAdvice(errorKind)}`;
  return `MedTransfer: run ${label} ${what}${kind}: ${message}${advice && !/[.!?]$/.test(message) ? '.' : ''}${advice}`;
}
