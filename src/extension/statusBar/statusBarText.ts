// The status bar item while runs are active: the followed run's phase, epoch and last val AUC,
// and how many more run or wait.
import type { RunState } from '../../shared/run/runState';
import { progressText } from '../runs/runText';

export interface StatusBarInput {
  /** The run the Monitor follows (or the newest active one). */
  focused: { label: string; state: RunState } | null;
  activeCount: number;
  queuedCount: number;
}

export interface StatusBarSpec {
  text: string;
  tooltip: string;
}

/** Null when nothing runs or waits (the item is hidden). */
export function statusBarSpec({ focused, activeCount, queuedCount }: StatusBarInput): StatusBarSpec | null {
  if (activeCount === 0 && queuedCount === 0) return null;
  const extras: string[] = [];
  const others = focused ? activeCount - 1 : activeCount;
  if (others > 0) extras.push(`+${others} running`);
  if (queuedCount > 0) extras.push(`${queuedCount} queued`);
  const suffix = extras.length > 0 ? ` (${extras.join(', ')})` : '';
  if (!focused) {
    return {
      text: `$(watch) MedTransfer: ${activeCount > 0 ? 'starting' : 'queued'}${suffix}`,
      tooltip: 'MedTransfer runs: click to open the Monitor',
    };
  }
  const icon = focused.state.status === 'running' ? '$(sync~spin)' : '$(check)';
  return {
    text: `${icon} ${progressText(focused.state)}${suffix}`,
    tooltip: `MedTransfer: ${focused.label}\n${progressText(focused.state)}${suffix}\nClick to open the Monitor`,
  };
}
