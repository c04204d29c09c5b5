// How the run ended when it did not complete: its status with the kind of failure (the report's
// subtitle), and a warning at the top of the summary with the message and what to do about it.
import { errorKindAdvice, errorKindLabel } from '../../../shared/run/errorKind';
import type { Block } from '../document';
import type { ReportData } from '../reportData';

/**
 * `completed`, `failed (out of memory)`; `interrupted` alone, as its kind would repeat it. From the
 * run's events as decided on this host (readReportData), never metrics.json's status, which a
 * resume leaves behind from the attempt before.
 */
export function runEndStatus(data: ReportData): string {
  const { status } = data.state;
  const kind = data.state.errorKind;
  return kind === null || kind === 'interrupted' ? status : `${status} (${errorKindLabel(kind)})`;
}

/** Null for a completed run, and for a stop or a failure that says nothing (runs older than errorKind may not). */
export function runEndWarning(data: ReportData): Block | null {
  const { error, errorKind, status } = data.state;
  if (status === 'completed' || status === 'running' || (error === null && errorKind === null)) return null;
  const title =
    status === 'failed'
      ? `The run failed${errorKind === null ? '' : ` (${errorKindLabel(errorKind)})`}:`
      : status === 'interrupted'
        ? 'The run was interrupted:'
        : 'The run was stopped:';
  const text = [error, errorKind === null ? null : errorKindAdvice(errorKind)].filter((part) => part !== null);
  return { kind: 'warning', title, text: text.join(' ') };
}
