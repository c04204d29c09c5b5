// How the views name a run's status, with the kind of failure beside it: `Failed · out of
// memory`. One table for the dashboard header and the Monitor.
import { errorKindLabel } from '../../../src/shared/run/errorKind';
import type { RunState, RunStatus } from '../../../src/shared/run/runState';

export const STATUS_LABELS: Readonly<Record<RunStatus, string>> = {
  running: 'Running',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

/**
 * `Failed · out of memory`; `Interrupted` alone (its kind would say it twice); `Failed` for runs
 * older than errorKind.
 */
export function statusText(state: Pick<RunState, 'status' | 'errorKind'>): string {
  const label = STATUS_LABELS[state.status];
  const kind = state.errorKind;
  return kind === null || kind === 'interrupted' ? label : `${label} · ${errorKindLabel(kind)}`;
}
