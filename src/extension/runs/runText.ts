// Short texts about a run shared by the tree, the code lenses and the status bar: what it is
// doing now, its key result, how long ago it ran.
import { errorKindLabel } from '../../shared/run/errorKind';
import type { Phase } from '../../shared/run/events';
import { summarizeResult } from '../../shared/run/runState';
import type { RunState, RunStatus } from '../../shared/run/runState';
import { runIdTime } from './runPaths';
import { counted } from '../../shared/text/plural';

const PHASE_LABELS: Record<Phase, string> = {
  source: 'pretraining',
  head: 'head',
  finetune: 'fine-tuning',
  scratch: 'scratch baseline',
  evaluate: 'evaluating',
};

export function phaseLabel(phase: Phase): string {
  return PHASE_LABELS[phase];
}

/** The validation AUC of the latest epoch, if it has one. */
export function lastValAuc(state: Pick<RunState, 'epochs'>): number | null {
  return state.epochs[state.epochs.length - 1]?.metrics.valAuc ?? null;
}

/** What a running run is doing: `fine-tuning 3/10 · val AUC 0.81`. */
export function progressText(state: RunState): string {
  const phase = state.currentPhase;
  const parts: string[] = [];
  if (phase === null) {
    parts.push(state.startedAt === null ? 'starting' : state.target === null ? 'loading data' : 'preparing');
  } else {
    const phaseState = state.phases[phase];
    const batch = state.lastBatch;
    if (phase === 'evaluate' || !phaseState || phaseState.epochs === 0) parts.push(phaseLabel(phase));
    else {
      // The epoch under way: one past the last finished, unless the phase is done.
      const epoch = phaseState.ended
        ? phaseState.epochsDone
        : Math.min(phaseState.epochs, batch?.phase === phase ? batch.epoch : phaseState.epochsDone + 1);
      parts.push(`${phaseLabel(phase)} ${epoch}/${phaseState.epochs}`);
    }
  }
  const auc = lastValAuc(state);
  if (auc !== null) parts.push(`val AUC ${auc.toFixed(2)}`);
  return parts.join(' · ');
}

/** The key result of a finished run, or what became of it. */
export function outcomeText(state: RunState): string {
  const result = summarizeResult(state);
  switch (state.status) {
    case 'running':
      return progressText(state);
    case 'completed':
      return result ?? 'completed';
    case 'stopped':
      return result ? `stopped · ${result}` : 'stopped';
    case 'failed': {
      const kind = state.errorKind === null ? '' : ` (${errorKindLabel(state.errorKind)})`;
      return `failed${kind}${state.error ? `: ${truncate(firstLine(state.error), 80)}` : ''}`;
    }
    case 'interrupted':
      return result ? `interrupted · ${result}` : 'interrupted';
  }
}

export function statusLabel(status: RunStatus): string {
  return {
    running: 'Running',
    completed: 'Completed',
    stopped: 'Stopped',
    failed: 'Failed',
    interrupted: 'Interrupted',
  }[status];
}

/** When the run ended, else started (from its events, else its id). */
export function runTime(state: Pick<RunState, 'endedAt' | 'startedAt'>, runId: string): number | null {
  for (const time of [state.endedAt, state.startedAt]) {
    const parsed = time === null ? NaN : Date.parse(time);
    if (Number.isFinite(parsed)) return parsed;
  }
  return runIdTime(runId)?.getTime() ?? null;
}

/** `just now`, `5 min ago`, `3 h ago`, `yesterday`, `4 days ago`, `3 months ago`. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 31) return `${days} days ago`;
  const months = Math.round(days / 30.4);
  if (months < 12) return `${counted(months, 'month')} ago`;
  const years = Math.round(days / 365);
  return `${counted(years, 'year')} ago`;
}

/** `42 s`, `3 min 5 s`, `1 h 2 min`. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${total % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

export function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
