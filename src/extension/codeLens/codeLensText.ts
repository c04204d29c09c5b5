// The code lenses above an experiment file, as data: which actions, with what titles.
// `▶ Run experiment` (or `■ Stop` while it runs), `Open dashboard`, and the last run's result and age.
import type { RunState } from '../../shared/run/runState';
import { formatAge, outcomeText, progressText, runTime } from '../runs/runText';

export type ExperimentActivity =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'running'; runDir: string; stopping: boolean }
  | { kind: 'queued'; position: number };

export interface LensRun {
  runDir: string;
  runId: string;
  /** As shown: `interrupted` when its trainer is gone without run-ended. */
  state: RunState;
  /** Stopped, failed or interrupted with a checkpoint. */
  resumable?: boolean;
  /** Submitted to SLURM and not started yet: its job id. */
  pendingJob?: string | null;
  /** Submitted to SLURM, and its job ended before the trainer started (cancelled while queued). */
  neverStarted?: boolean;
}

export interface ExperimentLensInput {
  activity: ExperimentActivity;
  trusted: boolean;
  /** medtransfer.executor is `slurm`: offer Run on Cluster beside Run. */
  cluster?: boolean;
  /** The newest run of this experiment (running or not), if any. */
  latestRun: LensRun | null;
  now: number;
}

export type LensAction =
  'run' | 'run-on-cluster' | 'resume' | 'stop' | 'cancel-queued' | 'explain-restricted' | 'open-dashboard' | 'show-run';

export interface LensSpec {
  action: LensAction;
  title: string;
  tooltip: string;
  /** The run the action is about, where it is about one. */
  runDir?: string;
}

export function experimentLenses({ activity, trusted, cluster, latestRun, now }: ExperimentLensInput): LensSpec[] {
  const lenses: LensSpec[] = [];
  switch (activity.kind) {
    case 'running':
      lenses.push(
        activity.stopping
          ? {
              action: 'stop',
              title: '■ Stopping…',
              tooltip: 'Saving the model; stopping again does nothing until the grace period ends',
              runDir: activity.runDir,
            }
          : {
              action: 'stop',
              title: '■ Stop',
              tooltip:
                'Stop after the current batch and save the model (closing or reloading VS Code does not stop the run)',
              runDir: activity.runDir,
            },
      );
      break;
    case 'starting':
      lenses.push({ action: 'stop', title: '■ Starting…', tooltip: 'The trainer is starting' });
      break;
    case 'queued':
      lenses.push({
        action: 'cancel-queued',
        title: `⧗ Queued (#${activity.position}) · Cancel`,
        tooltip: 'Waiting for a free trainer slot (setting medtransfer.maxConcurrentRuns); click to cancel',
      });
      break;
    case 'idle':
      lenses.push(
        trusted
          ? {
              action: 'run',
              title: '▶ Run experiment',
              tooltip: 'Train this experiment (fine-tuned and scratch baseline) in a new run',
            }
          : {
              action: 'explain-restricted',
              title: '▶ Run experiment (disabled in Restricted Mode)',
              tooltip: 'Running trains code-driven models on your machine; trust this workspace to run experiments',
            },
      );
      if (trusted && cluster === true)
        lenses.push({
          action: 'run-on-cluster',
          title: '☁ Run on Cluster',
          tooltip: 'Submit this experiment to SLURM as a new run (settings medtransfer.slurm.*)',
        });
      if (trusted && latestRun?.resumable) {
        lenses.push({
          action: 'resume',
          title: '↻ Resume last run',
          tooltip:
            `Continue run ${latestRun.runId} (${latestRun.state.status}) from its last checkpoint, ` +
            'in the same run folder',
          runDir: latestRun.runDir,
        });
      }
      break;
  }
  if (latestRun) {
    lenses.push({
      action: 'open-dashboard',
      title: 'Open dashboard',
      tooltip: `Open the dashboard of run ${latestRun.runId}`,
      runDir: latestRun.runDir,
    });
    lenses.push({
      action: 'show-run',
      title: lastRunTitle(latestRun, now),
      tooltip: `Run ${latestRun.runId}: open its dashboard`,
      runDir: latestRun.runDir,
    });
  }
  return lenses;
}

/** `Last run: AUC 0.93 vs 0.73 scratch · 2 h ago`, or `Running: fine-tuning 3/10 · val AUC 0.81`. */
export function lastRunTitle(run: LensRun, now: number): string {
  if (run.pendingJob) return `Pending: SLURM job ${run.pendingJob}`;
  if (run.neverStarted === true) return 'Last run: never started (its SLURM job ended first)';
  if (run.state.status === 'running') return `Running: ${progressText(run.state)}`;
  const time = runTime(run.state, run.runId);
  const age = time === null ? '' : ` · ${formatAge(now - time)}`;
  return `Last run: ${outcomeText(run.state)}${age}`;
}
