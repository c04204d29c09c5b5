// Code lenses at the top of an experiment file: run or stop, open the dashboard, and the last
// run's result and age (refreshed as runs progress, and each minute for the age).
import * as vscode from 'vscode';
import { isExperimentDocument } from '../experiments/experimentIndex';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { activityOf, runsInDir } from '../runs/runQueries';
import { resumability } from '../runs/resumable';
import { hasCheckpoint } from '../runs/runFolder';
import type { RunLiveness } from '../runs/runLiveness';
import type { RunStore } from '../runs/runStore';
import type { RunLauncher } from '../trainer/runLauncher';
import { readExecutor } from '../cluster/clusterSettings';
import { TopOfFileLensProvider } from './topOfFileLensProvider';
import type { TopLens } from './topOfFileLensProvider';
import { readSlurmJobFile } from '../../shared/host/slurmJobFile';
import { experimentLenses } from './codeLensText';
import type { LensAction } from './codeLensText';

export const EXPERIMENT_DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.experiment.{yaml,yml,json}' },
];

export interface LensCommands {
  run: string;
  resume: string;
  stop: string;
  explainRestricted: string;
  openDashboard: string;
  runOnCluster: string;
}

export class ExperimentCodeLensProvider extends TopOfFileLensProvider {
  constructor(
    private readonly index: ExperimentIndex,
    private readonly store: RunStore,
    private readonly launcher: RunLauncher,
    private readonly liveness: RunLiveness,
    private readonly commands: LensCommands,
  ) {
    super();
    const refresh = this.register(
      EXPERIMENT_DOCUMENT_SELECTOR,
      [
        index.onDidChangeExperiments,
        store.onDidChangeRun,
        launcher.onDidChangeQueue,
        launcher.onDidStartRun,
        launcher.onDidEndRun,
        liveness.onDidChange,
        // medtransfer.executor shows or hides Run on Cluster.
        vscode.workspace.onDidChangeConfiguration,
      ],
      500,
    );
    // The last run's age ("2 min ago") moves on by itself.
    const ageTimer = setInterval(refresh, 60_000);
    this.disposables.add({ dispose: () => clearInterval(ageTimer) });
  }

  protected lenses(document: vscode.TextDocument): TopLens[] {
    if (!isExperimentDocument(document)) return [];
    const path = document.uri.fsPath;
    const entry = this.index.get(path);
    const [latest] = runsInDir(this.store, entry?.experimentDir ?? null);
    const launched = activityOf(this.launcher, path);
    // A run this window reattached to (it outlived a reload) can be stopped from its lens too.
    const activity =
      launched.kind === 'idle' && latest && this.liveness.of(latest) === 'attached'
        ? { kind: 'running' as const, runDir: latest.runDir, stopping: false }
        : launched;
    const specs = experimentLenses({
      activity,
      trusted: vscode.workspace.isTrusted,
      cluster: readExecutor() === 'slurm',
      latestRun: latest
        ? {
            runDir: latest.runDir,
            runId: latest.runId,
            state: this.liveness.displayState(latest),
            ...(latest.state.runId === null ? submittedBeforeStart(latest.runDir) : {}),
            resumable: resumability({
              status: latest.state.status,
              hasCheckpoint: hasCheckpoint(latest.runDir),
              liveness: this.liveness.of(latest),
            }).resumable,
          }
        : null,
      now: Date.now(),
    });
    return specs.map((spec) => ({
      title: spec.title,
      tooltip: spec.tooltip,
      ...this.command(spec.action, document.uri, spec.runDir),
    }));
  }

  private command(
    action: LensAction,
    uri: vscode.Uri,
    runDir: string | undefined,
  ): { command: string; arguments: unknown[] } {
    switch (action) {
      case 'run':
        return { command: this.commands.run, arguments: [uri] };
      case 'run-on-cluster':
        return { command: this.commands.runOnCluster, arguments: [uri] };
      case 'resume':
        return { command: this.commands.resume, arguments: [runDir ?? uri] };
      case 'stop':
        return runDir
          ? { command: this.commands.stop, arguments: [runDir] }
          : { command: this.commands.stop, arguments: [uri] };
      case 'cancel-queued':
        return { command: this.commands.stop, arguments: [uri] };
      case 'explain-restricted':
        return { command: this.commands.explainRestricted, arguments: [] };
      case 'open-dashboard':
      case 'show-run':
        return { command: this.commands.openDashboard, arguments: [runDir ?? uri] };
    }
  }
}

/** A submitted run whose trainer has not started: queued (its job), or its job ended first. */
function submittedBeforeStart(runDir: string): { pendingJob?: string; neverStarted?: boolean } {
  const job = readSlurmJobFile(runDir);
  if (job === null) return {};
  return job.endedBeforeStart === undefined ? { pendingJob: job.jobId } : { neverStarted: true };
}
