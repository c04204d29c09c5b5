// The Experiments view: the workspace's experiment files, each with its runs (newest first)
// and its queued runs, then its study files, each with its points and their runs. Items are
// built from plain specs (treeItemText.ts, studies/studyTreeText.ts).
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
import { readSlurmJobFile } from '../../shared/host/slurmJobFile';
import type { StudyIndex } from '../studies/studyIndex';
import type { StudyProcesses } from '../studies/studyProcesses';
import { studyItemSpec, studyPointItemSpec } from '../studies/studyTreeText';
import type { ItemIcon, TreeItemSpec } from './treeItemText';

export type ExperimentsNode =
  | { kind: 'experiment'; path: string }
  | { kind: 'run'; key: string; experimentPath: string }
  | { kind: 'queued'; experimentPath: string }
  | { kind: 'study'; studyPath: string }
  | { kind: 'study-point'; studyPath: string; point: string }
  | { kind: 'study-run'; studyPath: string; point: string; key: string };

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
    private readonly studies: StudyIndex,
    private readonly studyProcesses: Pick<StudyProcesses, 'isRunning' | 'onDidChange'>,
  ) {
    // Batch events arrive many times a second: refresh at most twice a second.
    const refresh = this.disposables.add(throttle(() => this.changeEmitter.fire(undefined), 500));
    this.disposables.add(index.onDidChangeExperiments(refresh));
    this.disposables.add(store.onDidChangeRun(refresh));
    this.disposables.add(launcher.onDidChangeQueue(refresh));
    this.disposables.add(launcher.onDidStartRun(refresh));
    this.disposables.add(launcher.onDidEndRun(refresh));
    this.disposables.add(liveness.onDidChange(refresh));
    this.disposables.add(studies.onDidChangeStudies(refresh));
    this.disposables.add(studyProcesses.onDidChange(refresh));
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  async getChildren(node?: ExperimentsNode): Promise<ExperimentsNode[]> {
    if (!node) {
      // Wait for the first search, so the welcome view does not flash while it runs.
      await Promise.all([this.index.ready(), this.studies.ready()]);
      return [
        ...this.index.all.map((entry) => this.node({ kind: 'experiment', path: entry.path })),
        ...this.studies.all.map((entry) => this.node({ kind: 'study', studyPath: entry.path })),
      ];
    }
    if (node.kind === 'study' || node.kind === 'study-point') return this.studyChildren(node);
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
    switch (node.kind) {
      case 'experiment':
      case 'study':
        return undefined;
      case 'study-point':
        return this.node({ kind: 'study', studyPath: node.studyPath });
      case 'study-run':
        return this.node({ kind: 'study-point', studyPath: node.studyPath, point: node.point });
      default:
        return this.node({ kind: 'experiment', path: node.experimentPath });
    }
  }

  /** A study's points (the grid, in order), and a point's runs that have a folder. */
  private studyChildren(node: Extract<ExperimentsNode, { kind: 'study' | 'study-point' }>): ExperimentsNode[] {
    const record = this.studies.get(node.studyPath)?.record;
    if (!record) return [];
    if (node.kind === 'study')
      return record.points.map((point) =>
        this.node({ kind: 'study-point', studyPath: node.studyPath, point: point.id }),
      );
    return record.runs.flatMap((run) =>
      run.point === node.point && run.runDir !== null && this.store.has(run.runDir)
        ? [this.node({ kind: 'study-run', studyPath: node.studyPath, point: node.point, key: run.runDir })]
        : [],
    );
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
      case 'study': {
        const entry = this.studies.get(node.studyPath);
        if (!entry) return new vscode.TreeItem(node.studyPath);
        const spec = studyItemSpec({
          stem: entry.stem,
          relativePath: entry.relativePath,
          summary: entry.summary,
          record: entry.record,
          running: this.studyProcesses.isRunning(entry.path),
        });
        const expandable = entry.record !== null;
        const id = expandable ? nodeId(node) : `${nodeId(node)}#empty`;
        const item = toTreeItem(
          spec,
          id,
          expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.resourceUri = entry.uri;
        item.command = { title: 'Open Study File', command: 'vscode.open', arguments: [entry.uri] };
        return item;
      }
      case 'study-point': {
        const record = this.studies.get(node.studyPath)?.record;
        if (!record) return new vscode.TreeItem(node.point);
        const hasRuns = record.runs.some((run) => run.point === node.point && run.runDir !== null);
        return toTreeItem(
          studyPointItemSpec(record, node.point),
          nodeId(node),
          hasRuns ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
      }
      case 'study-run':
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
          // Read only while it may still be queued or running: an ended run's job is history.
          slurmJob: record.state.status === 'running' ? readSlurmJobFile(record.runDir) : null,
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
    case 'study':
      return `study:${node.studyPath}`;
    case 'study-point':
      return `study-point:${node.studyPath}:${node.point}`;
    case 'study-run':
      return `study-run:${node.studyPath}:${node.key}`;
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
