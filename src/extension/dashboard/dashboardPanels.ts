// Dashboard panels: one per run, per set of runs for Compare Runs, or per experiments table (the
// runs of one experiment file). Opening runs that already have a panel reveals it. Panels come
// back after a window reload (registerWebviewPanelSerializer).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { runLabel } from '../runs/runPaths';
import type { RunStore } from '../runs/runStore';
import { DisposableStore } from '../util/emitter';
import { claimDashboard, dashboardKey, keysFromWebviewState, parseOpenDashboards } from './dashboardRestore';
import type { OpenDashboard } from './dashboardRestore';
import { createRunFeed } from './runFeed';
import { workspaceFolderPaths } from './webviewContent';
import { RunWebviewSession } from './runWebviewSession';
import type { RunWebviewActions } from './runWebviewSession';
import { renderWebview, webviewOptions } from './webviewContent';
import { experimentTable, studyTable, tableFromWebviewState } from './runTables';
import type { RunTableContent } from './runTables';
import type { StudyIndex } from '../studies/studyIndex';

export const DASHBOARD_VIEW_TYPE = 'medtransfer.dashboard';
const OPEN_DASHBOARDS_STATE = 'medtransfer.openDashboards';

interface Dashboard {
  id: string;
  panel: vscode.WebviewPanel;
  session: RunWebviewSession;
}

export class DashboardPanels implements vscode.Disposable {
  private readonly panels = new Map<string, Dashboard>();
  private readonly claimed = new Set<string>();
  private readonly disposables = new DisposableStore();
  private shuttingDown = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: RunStore,
    private readonly index: Pick<ExperimentIndex, 'get' | 'ready'>,
    private readonly studies: Pick<StudyIndex, 'get' | 'ready' | 'onDidChangeStudies'>,
    private readonly actions: RunWebviewActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.add(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
    );
  }

  /** Opens (or reveals) the dashboard of these runs. */
  open(keys: readonly string[]): void {
    const known = keys.filter((key) => this.store.has(key));
    if (known.length === 0) {
      void vscode.window.showWarningMessage('MedTransfer: that run no longer exists.');
      return;
    }
    const existing = this.panels.get(dashboardKey(known));
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, this.title(known), vscode.ViewColumn.Active, {
      ...webviewOptions(this.context.extensionUri),
      enableFindWidget: true,
    });
    this.attach(panel, known, randomUUID());
  }

  /** Opens (or reveals) the experiments table of an experiment file: all its runs, a row a run. */
  openTable(experimentPath: string): void {
    this.openTableOf('experiment', experimentPath);
  }

  /** Opens (or reveals) the Study view of a study file: its chart and the table of its runs. */
  openStudy(studyPath: string): void {
    this.openTableOf('study', studyPath);
  }

  private tableContent(kind: 'experiment' | 'study', path: string): RunTableContent | null {
    return kind === 'study' ? studyTable(this.studies, path) : experimentTable(this.index, this.store, path);
  }

  private openTableOf(kind: 'experiment' | 'study', path: string): void {
    const content = this.tableContent(kind, path);
    if (!content) {
      void vscode.window.showWarningMessage(`MedTransfer: that ${kind} file is not in this workspace.`);
      return;
    }
    const existing = this.panels.get(tableKey(kind, path));
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      tableTitle(kind, content.table.name),
      vscode.ViewColumn.Active,
      { ...webviewOptions(this.context.extensionUri), enableFindWidget: true },
    );
    this.attachTable(panel, kind, path, randomUUID());
  }

  dispose(): void {
    // Panels closing because the window closes must stay remembered for the next start.
    this.shuttingDown = true;
    for (const dashboard of this.panels.values()) dashboard.session.dispose();
    this.disposables.dispose();
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const table = tableFromWebviewState(state);
    if (table !== null) {
      // Tables are found again by their file (the indexes may still be searching).
      await Promise.all([this.index.ready(), this.studies.ready()]);
      this.attachTable(panel, table.kind, table.path, randomUUID());
      return;
    }
    const remembered = parseOpenDashboards(this.context.workspaceState.get(OPEN_DASHBOARDS_STATE));
    const fromState = keysFromWebviewState(state);
    const claim = fromState
      ? (remembered.find((dashboard) => dashboardKey(dashboard.keys) === dashboardKey(fromState)) ?? null)
      : claimDashboard(remembered, this.claimed, panel.title);
    const keys = fromState ?? claim?.keys ?? [];
    const id = claim?.id ?? randomUUID();
    this.claimed.add(id);
    if (keys.length === 0) this.log.warn('a dashboard restored after a reload did not say which runs it showed');
    this.attach(panel, keys, id);
  }

  private attach(panel: vscode.WebviewPanel, keys: readonly string[], id: string): void {
    const key = dashboardKey(keys);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'resources', 'medtransfer.svg');
    renderWebview(panel.webview, this.context.extensionUri, 'dashboard', this.title(keys));
    const session = new RunWebviewSession({
      channel: {
        post: (message) => panel.webview.postMessage(message),
        onDidReceiveMessage: panel.webview.onDidReceiveMessage,
      },
      feed: createRunFeed(this.store, workspaceFolderPaths, { withSaliency: true }),
      actions: this.actions,
      log: (message) => this.log.warn(`dashboard: ${message}`),
      keys,
    });
    this.panels.set(key, { id, panel, session });
    void this.remember({ id, keys: [...keys], title: panel.title });
    panel.onDidDispose(() => {
      session.dispose();
      if (this.panels.get(key)?.id === id) this.panels.delete(key);
      if (!this.shuttingDown) void this.forget(id);
    });
  }

  private attachTable(panel: vscode.WebviewPanel, kind: 'experiment' | 'study', path: string, id: string): void {
    const key = tableKey(kind, path);
    const content = this.tableContent(kind, path);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'resources', 'medtransfer.svg');
    const title = tableTitle(kind, content?.table.name ?? kind);
    renderWebview(panel.webview, this.context.extensionUri, 'dashboard', title);
    panel.title = title;
    const fallback: RunTableContent['table'] =
      kind === 'study'
        ? { kind, name: 'study', file: path, path, record: null }
        : { kind, name: 'experiment', file: path, path };
    const session = new RunWebviewSession({
      channel: {
        post: (message) => panel.webview.postMessage(message),
        onDidReceiveMessage: panel.webview.onDidReceiveMessage,
      },
      feed: createRunFeed(this.store, workspaceFolderPaths),
      actions: this.actions,
      log: (message) => this.log.warn(`${kind} table: ${message}`),
      keys: content?.keys ?? [],
      table: () => this.tableContent(kind, path)?.table ?? fallback,
    });
    // A run started, found or deleted since, or the study moved on: show the runs as they are now.
    const follow = (): void => {
      const now = this.tableContent(kind, path)?.keys ?? [];
      if (dashboardKey(now) !== dashboardKey(session.keys)) void session.setKeys(now);
      else if (kind === 'study') void session.reload();
    };
    const subscription =
      kind === 'study'
        ? this.studies.onDidChangeStudies((paths) => {
            if (paths.includes(path)) follow();
          })
        : this.store.onDidChangeRun((change) => {
            if (change.kind !== 'changed') follow();
          });
    this.panels.set(key, { id, panel, session });
    panel.onDidDispose(() => {
      subscription.dispose();
      session.dispose();
      if (this.panels.get(key)?.id === id) this.panels.delete(key);
    });
  }

  private title(keys: readonly string[]): string {
    if (keys.length === 1) {
      const record = this.store.get(keys[0] ?? '');
      return record ? runLabel(record.experimentName, record.runId) : 'MedTransfer dashboard';
    }
    return `Compare ${keys.length} runs`;
  }

  private async remember(dashboard: OpenDashboard): Promise<void> {
    const open = parseOpenDashboards(this.context.workspaceState.get(OPEN_DASHBOARDS_STATE)).filter(
      (item) => item.id !== dashboard.id,
    );
    await this.context.workspaceState.update(OPEN_DASHBOARDS_STATE, [...open, dashboard].slice(-20));
  }

  private async forget(id: string): Promise<void> {
    const open = parseOpenDashboards(this.context.workspaceState.get(OPEN_DASHBOARDS_STATE));
    await this.context.workspaceState.update(
      OPEN_DASHBOARDS_STATE,
      open.filter((item) => item.id !== id),
    );
  }
}

function tableKey(kind: 'experiment' | 'study', path: string): string {
  return `${kind}\n${path}`;
}

function tableTitle(kind: 'experiment' | 'study', name: string): string {
  return kind === 'study' ? `Study ${name}` : `Runs of ${name}`;
}
