// The Experiments view: the workspace's experiment files, each with its runs (newest first)
// and its queued runs. Items are built from plain specs (treeItemText.ts).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { activityOf, runsInDir } from '../runs/runQueries';
import { hasCheckpoint } from '../runs/runFolder';
import { resumability } from '../runs/resumable';
import type { RunLiveness } from '../runs/runLiveness';
import type { RunStore } from '../runs/runStore';
import type { RunLauncher } from '../trainer/runLauncher';
import { DisposableStore } from '../util/emitter';
import { throttle } from '../util/throttle';
import type { ExperimentIndex } from './experimentIndex';
import { experimentItemSpec, queuedItemSpec, runItemSpec } from './treeItemText';
import type { ItemIcon, TreeItemSpec } from './treeItemText';

export type ExperimentsNode =
  | { kind: 'experiment'; path: string }
  | { kind: 'run'; key: string; experimentPath: string }
  | { kind: 'queued'; experimentPath: string };

export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentsNode>, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<ExperimentsNode | undefined>());
  /** One node object per id, so reveal() and selection find the same objects again. */
  private readonly nodes = new Map<string, ExperimentsNode>();

  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly index: ExperimentIndex,
    private readonly store: RunStore,
    private readonly launcher: RunLauncher,
    private readonly liveness: RunLiveness,
  ) {
    // Batch events arrive many times a second: refresh at most twice a second.
    const refresh = this.disposables.add(throttle(() => this.changeEmitter.fire(undefined), 500));
    this.disposables.add(index.onDidChangeExperiments(refresh));
    this.disposables.add(store.onDidChangeRun(refresh));
    this.disposables.add(launcher.onDidChangeQueue(refresh));
    this.disposables.add(launcher.onDidStartRun(refresh));
    this.disposables.add(launcher.onDidEndRun(refresh));
    this.disposables.add(liveness.onDidChange(refresh));
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  async getChildren(node?: ExperimentsNode): Promise<ExperimentsNode[]> {
    if (!node) {
      // Wait for the first search, so the welcome view does not flash while it runs.
      await this.index.ready();
      return this.index.all.map((entry) => this.node({ kind: 'experiment', path: entry.path }));
    }
    if (node.kind !== 'experiment') return [];
    const entry = this.index.get(node.path);
    if (!entry) return [];
    const queued =
      this.launcher.queuePosition(node.path) === null ? [] : [this.node({ kind: 'queued', experimentPath: node.path })];
    const runs = runsInDir(this.store, entry.experimentDir).map((record) =>
      this.node({ kind: 'run', key: record.key, experimentPath: node.path }),
    );
    return [...queued, ...runs];
  }

  getParent(node: ExperimentsNode): ExperimentsNode | undefined {
    return node.kind === 'experiment' ? undefined : this.node({ kind: 'experiment', path: node.experimentPath });
  }

  getTreeItem(node: ExperimentsNode): vscode.TreeItem {
    const now = Date.now();
    switch (node.kind) {
      case 'experiment': {
        const entry = this.index.get(node.path);
        if (!entry) return new vscode.TreeItem(node.path);
        const runCount = runsInDir(this.store, entry.experimentDir).length;
        const spec = experimentItemSpec({
          stem: entry.stem,
          relativePath: entry.relativePath,
          summary: entry.summary,
          runCount,
          activity: activityOf(this.launcher, entry.path).kind,
        });
        const expandable = runCount > 0 || this.launcher.queuePosition(entry.path) !== null;
        // VS Code remembers an item's collapsible state by id: an experiment that gets its first
        // run would stay collapsed under the same id, so the id says whether it has children.
        const id = expandable ? nodeId(node) : `${nodeId(node)}#empty`;
        const item = toTreeItem(
          spec,
          id,
          expandable ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
        );
        item.resourceUri = entry.uri;
        item.command = { title: 'Open Experiment File', command: 'vscode.open', arguments: [entry.uri] };
        return item;
      }
      case 'run': {
        const record = this.store.get(node.key);
        if (!record) return new vscode.TreeItem(node.key);
        const spec = runItemSpec({
          runId: record.runId,
          experimentName: record.experimentName,
          runDir: record.runDir,
          state: this.liveness.displayState(record),
          resumable: resumability({
            status: record.state.status,
            hasCheckpoint: hasCheckpoint(record.runDir),
            liveness: this.liveness.of(record),
          }).resumable,
          controllable: record.controllable,
          stopping: this.launcher.runByDir(record.runDir)?.process.stopping ?? false,
          lastEventAt: record.lastEventAt,
          now,
        });
        const item = toTreeItem(spec, nodeId(node), vscode.TreeItemCollapsibleState.None);
        item.command = { title: 'Open Dashboard', command: 'medtransfer.openDashboard', arguments: [node] };
        return item;
      }
      case 'queued': {
        const position = this.launcher.queuePosition(node.experimentPath) ?? 0;
        const queued = this.launcher.queuedRuns.find((run) => run.experimentFile === node.experimentPath);
        return toTreeItem(
          queuedItemSpec(position, queued?.requestedAt ?? now, now),
          nodeId(node),
          vscode.TreeItemCollapsibleState.None,
        );
      }
    }
  }

  /** The node of a run, for reveal(). */
  runNode(key: string): ExperimentsNode | undefined {
    const record = this.store.get(key);
    if (!record) return undefined;
    const entry = this.index.all.find(
      (candidate) => candidate.experimentDir !== null && dirname(record.runDir) === candidate.experimentDir,
    );
    return entry ? this.node({ kind: 'run', key, experimentPath: entry.path }) : undefined;
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private node(node: ExperimentsNode): ExperimentsNode {
    const id = nodeId(node);
    const existing = this.nodes.get(id);
    if (existing) return existing;
    this.nodes.set(id, node);
    return node;
  }
}

function nodeId(node: ExperimentsNode): string {
  switch (node.kind) {
    case 'experiment':
      return `experiment:${node.path}`;
    case 'run':
      return `run:${node.experimentPath}:${node.key}`;
    case 'queued':
      return `queued:${node.experimentPath}`;
  }
}

function toTreeItem(
  spec: TreeItemSpec,
  id: string,
  collapsibleState: vscode.TreeItemCollapsibleState,
): vscode.TreeItem {
  const item = new vscode.TreeItem(spec.label, collapsibleState);
  item.id = id;
  item.description = spec.description;
  const tooltip = new vscode.MarkdownString(spec.tooltip);
  tooltip.supportThemeIcons = true;
  item.tooltip = tooltip;
  item.iconPath = themeIcon(spec.icon);
  item.contextValue = spec.contextValue;
  return item;
}

function themeIcon(icon: ItemIcon): vscode.ThemeIcon {
  return icon.color ? new vscode.ThemeIcon(icon.id, new vscode.ThemeColor(icon.color)) : new vscode.ThemeIcon(icon.id);
}
