// Keeps the run store in step with the runs folders of the workspace's experiments: a file
// watcher per runs folder for quick updates, and polling as the fallback where watchers see
// nothing (network disks, folders another machine writes to, folders created after the watch).
import * as vscode from 'vscode';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { affectsSetting, readSettings } from '../settings/settings';
import { DisposableStore } from '../util/emitter';
import type { RunDiscovery } from './runDiscovery';
import { errorMessage } from '../../shared/errors/errorMessage';

export class RunsWatcher implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly index: ExperimentIndex,
    private readonly discovery: RunDiscovery,
    private readonly log: (message: string) => void,
  ) {
    this.disposables.add(index.onDidChangeExperiments(() => void this.track()));
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsSetting(event, 'runsFolder')) void index.refreshAll();
        if (affectsSetting(event, 'pollingInterval')) this.startPolling();
      }),
    );
    this.disposables.add({ dispose: () => this.watchers.forEach((watcher) => watcher.dispose()) });
    this.disposables.add({ dispose: () => this.stopPolling() });
    this.startPolling();
  }

  /** Follows the runs folders of the experiments the index knows now. */
  async track(): Promise<void> {
    const entries = this.index.all;
    const roots = new Set(entries.filter((entry) => entry.experimentDir !== null).map((entry) => entry.runsRoot));
    for (const [root, watcher] of this.watchers) {
      if (!roots.has(root)) {
        watcher.dispose();
        this.watchers.delete(root);
      }
    }
    for (const root of roots) if (!this.watchers.has(root)) this.watchers.set(root, this.watch(root));
    try {
      await this.discovery.track(
        entries.flatMap((entry) => (entry.experimentDir === null ? [] : [entry.experimentDir])),
      );
    } catch (error) {
      this.log(`could not list runs: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private watch(root: string): vscode.Disposable {
    // `<experiment>/<run id>` (created, deleted), `<experiment>/<run id>/events.jsonl` (appended)
    // and a submitted run's `slurm-job.json` (its job ended before the trainer started).
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(root), '{*,*/*,*/*/events.jsonl,*/*/slurm-job.json}'),
    );
    const store = new DisposableStore();
    store.add(watcher);
    store.add(watcher.onDidCreate((uri) => void this.discovery.pathChanged(uri.fsPath)));
    store.add(watcher.onDidChange((uri) => void this.discovery.pathChanged(uri.fsPath)));
    store.add(watcher.onDidDelete((uri) => void this.discovery.pathDeleted(uri.fsPath)));
    return store;
  }

  private startPolling(): void {
    this.stopPolling();
    const seconds = readSettings().pollingIntervalSeconds;
    if (seconds <= 0) return;
    this.pollTimer = setInterval(() => void this.poll(), seconds * 1000);
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.discovery.poll();
    } catch (error) {
      this.log(`polling the runs folders failed: ${errorMessage(error)}`);
    } finally {
      this.polling = false;
    }
  }
}
