// What the Experiments tree shows for each item, as data: label, description, Markdown
// tooltip, icon and context value (which menu entries apply).
import { errorKindAdvice, errorKindLabel } from '../../shared/run/errorKind';
import type { ClinicalMetrics } from '../../shared/run/metrics';
import { transferGain } from '../../shared/run/runState';
import type { RunState } from '../../shared/run/runState';
import { formatAge, formatDuration, outcomeText, statusLabel } from '../runs/runText';
import type { ExperimentSummary } from './experimentSummary';
import { counted } from '../../shared/text/plural';

export interface ItemIcon {
  /** A codicon id. */
  id: string;
  /** A theme color id. */
  color?: string;
}

export interface TreeItemSpec {
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: ItemIcon;
  contextValue: string;
}

export type ExperimentActivityKind = 'idle' | 'starting' | 'running' | 'queued';

export interface ExperimentItemInput {
  stem: string;
  relativePath: string;
  summary: ExperimentSummary;
  runCount: number;
  activity: ExperimentActivityKind;
}

export function experimentItemSpec({
  stem,
  relativePath,
  summary,
  runCount,
  activity,
}: ExperimentItemInput): TreeItemSpec {
  const problems = summary.diagnostics.length;
  const runs = runCount === 0 ? 'no runs' : counted(runCount, 'run');
  const description = summary.valid ? runs : `${counted(problems, 'problem')} · ${runs}`;
  const lines = [`**${escapeMarkdown(summary.name ?? stem)}** · \`${escapeCode(relativePath)}\``];
  if (summary.description) lines.push('', escapeMarkdown(summary.description));
  if (summary.valid) {
    lines.push(
      '',
      `${escapeMarkdown(summary.architecture ?? '')}, ${escapeMarkdown(summary.strategy ?? '')} ` +
        `fine-tuning on ${escapeMarkdown(summary.target ?? '')}`,
    );
  } else {
    lines.push(
      '',
      ...summary.diagnostics
        .slice(0, 5)
        .map((problem) => `- line ${problem.start.line}: ${escapeMarkdown(problem.message)}`),
    );
    if (problems > 5) lines.push(`- … ${problems - 5} more`);
  }
  const icon: ItemIcon = !summary.valid
    ? { id: 'warning', color: 'list.warningForeground' }
    : activity === 'running' || activity === 'starting'
      ? { id: 'sync~spin' }
      : activity === 'queued'
        ? { id: 'watch' }
        : { id: 'beaker' };
  return {
    label: summary.name ?? stem,
    description,
    tooltip: lines.join('\n'),
    icon,
    contextValue: `experiment.${activity}${runCount > 0 ? '.hasRuns' : ''}`,
  };
}

export interface RunItemInput {
  runId: string;
  experimentName: string;
  runDir: string;
  state: RunState;
  controllable: boolean;
  stopping: boolean;
  /** Stopped, failed or interrupted with a checkpoint: Resume is offered. */
  resumable?: boolean;
  /** When its latest event was written (ms), to flag a run that went quiet. */
  lastEventAt: number | null;
  now: number;
  /** The SLURM job of a run submitted with `medtransfer submit` (its slurm-job.json); null for other runs. */
  slurmJob?: { jobId: string; endedBeforeStart?: string | undefined } | null;
}

/** A run started elsewhere that has said nothing for this long is shown as quiet. */
const QUIET_AFTER_MS = 10 * 60_000;

export function runIcon(state: Pick<RunState, 'status'>): ItemIcon {
  switch (state.status) {
    case 'running':
      return { id: 'sync~spin' };
    case 'completed':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'stopped':
      return { id: 'debug-stop', color: 'disabledForeground' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'interrupted':
      return { id: 'debug-disconnect', color: 'testing.iconErrored' };
  }
}

export function runItemSpec(input: RunItemInput): TreeItemSpec {
  const { state, controllable } = input;
  const job = input.slurmJob?.jobId ?? null;
  const neverStarted = input.slurmJob?.endedBeforeStart;
  if (job !== null && state.runId === null && neverStarted !== undefined)
    return {
      label: input.runId,
      description: 'never started',
      tooltip: `**${escapeMarkdown(input.experimentName)} · ${input.runId}** — ${escapeMarkdown(neverStarted)}`,
      icon: runIcon({ status: 'stopped' }),
      contextValue: 'run.stopped',
    };
  // Submitted, its trainer not started yet: the folder has the job, no events.
  if (job !== null && state.runId === null)
    return {
      label: input.runId,
      description: `pending · SLURM job ${job}`,
      tooltip:
        `**${escapeMarkdown(input.experimentName)} · ${input.runId}** — queued with SLURM (job ${job}); ` +
        '`medtransfer status` says why it waits. Stop cancels the job.\n\n' +
        `\`${escapeCode(input.runDir)}\``,
      icon: { id: 'watch' },
      contextValue: 'run.pending.slurm',
    };
  let description = input.stopping ? 'stopping…' : outcomeText(state);
  if (
    state.status === 'running' &&
    !controllable &&
    input.lastEventAt !== null &&
    input.now - input.lastEventAt > QUIET_AFTER_MS
  ) {
    description += ` · quiet for ${formatAge(input.now - input.lastEventAt).replace(' ago', '')}`;
  }
  const running = controllable ? 'running.controllable' : job !== null ? 'running.slurm' : 'running';
  const status = state.status === 'running' ? running : state.status;
  return {
    label: input.runId,
    description,
    tooltip: runTooltip(input),
    icon: runIcon(state),
    contextValue: `run.${status}${input.resumable ? '.resumable' : ''}`,
  };
}

export function runTooltip({ runId, experimentName, runDir, state, controllable, resumable }: RunItemInput): string {
  const lines = [
    `**${escapeMarkdown(experimentName)} · ${runId}** — ${statusLabel(state.status)}` +
      `${state.status === 'running' && !controllable ? ' (started outside this window)' : ''}`,
    '',
  ];
  const facts: string[] = [];
  if (state.backend) facts.push(`backend ${state.backend}`);
  if (state.seconds !== null) facts.push(formatDuration(state.seconds));
  if (state.target)
    facts.push(
      `target: ${escapeMarkdown(state.target.description)} ` +
        `(${state.target.sizes.train.reduce((a, b) => a + b, 0)} training images)`,
    );
  if (state.pretrained) facts.push(`from \`${escapeCode(state.pretrained)}\``);
  if (facts.length > 0) lines.push(facts.join(' · '), '');
  if (state.status === 'running') lines.push(`Now: ${escapeMarkdown(outcomeText(state))}`, '');
  const table = metricsTable(state);
  if (table) lines.push(...table, '');
  const gain = transferGain(state);
  if (gain?.auc !== null && gain?.auc !== undefined)
    lines.push(`Transfer gain: ${gain.auc >= 0 ? '+' : ''}${gain.auc.toFixed(3)} AUC over scratch`, '');
  const kind = state.errorKind;
  if (state.error)
    lines.push(`Error${kind === null ? '' : ` (${errorKindLabel(kind)})`}: ${escapeMarkdown(state.error)}`, '');
  // An interrupted run's advice is Resume, said below when it can resume.
  if (state.status === 'failed' && kind !== null) lines.push(escapeMarkdown(errorKindAdvice(kind)), '');
  if (state.status === 'running' && controllable)
    lines.push('It keeps running if this window reloads or closes; Stop asks it to save and stop.', '');
  if (resumable) lines.push('Resume continues it from its last checkpoint, in this run folder.', '');
  lines.push(`\`${escapeCode(runDir)}\``);
  return lines.join('\n');
}

function metricsTable(state: Pick<RunState, 'evaluations' | 'evaluationSplit'>): string[] | null {
  const rows = (['fine-tuned', 'scratch'] as const).flatMap((model) => {
    const metrics = state.evaluations[model];
    return metrics ? [[model, metrics] as const] : [];
  });
  if (rows.length === 0) return null;
  const format = (value: number | null) => (value === null ? '–' : value.toFixed(3));
  const cells = (metrics: ClinicalMetrics) =>
    [metrics.auc, metrics.balancedAccuracy, metrics.sensitivity, metrics.specificity].map(format).join(' | ');
  return [
    `| ${state.evaluationSplit ?? 'test'} | AUC | bal. acc. | sensitivity | specificity |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(([model, metrics]) => `| ${model} | ${cells(metrics)} |`),
  ];
}

export function queuedItemSpec(position: number, requestedAt: number, now: number): TreeItemSpec {
  return {
    label: `queued (#${position})`,
    description: `waiting ${formatAge(now - requestedAt)
      .replace(' ago', '')
      .replace('just now', 'a moment')}`,
    tooltip: 'Waiting for a free trainer slot (setting `medtransfer.maxConcurrentRuns`). Stop to cancel.',
    icon: { id: 'watch' },
    contextValue: 'queued',
  };
}

/** Escapes text so Markdown shows it as written (inline: it never starts a tooltip line). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#|<>~]/g, '\\$&');
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'");
}
