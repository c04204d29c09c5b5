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
import { experimentTable, tablePathFromWebviewState } from './runTables';

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
    const content = experimentTable(this.index, this.store, experimentPath);
    if (!content) {
      void vscode.window.showWarningMessage('MedTransfer: that experiment file is not in this workspace.');
      return;
    }
    const existing = this.panels.get(tableKey(experimentPath));
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      tableTitle(content.table.name),
      vscode.ViewColumn.Active,
      { ...webviewOptions(this.context.extensionUri), enableFindWidget: true },
    );
    this.attachTable(panel, experimentPath, randomUUID());
  }

  dispose(): void {
    // Panels closing because the window closes must stay remembered for the next start.
    this.shuttingDown = true;
    for (const dashboard of this.panels.values()) dashboard.session.dispose();
    this.disposables.dispose();
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const tablePath = tablePathFromWebviewState(state);
    if (tablePath !== null) {
      // Tables are found again by their experiment file (the index may still be searching).
      await this.index.ready();
      this.attachTable(panel, tablePath, randomUUID());
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

  private attachTable(panel: vscode.WebviewPanel, experimentPath: string, id: string): void {
    const key = tableKey(experimentPath);
    const content = experimentTable(this.index, this.store, experimentPath);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'resources', 'medtransfer.svg');
    const title = tableTitle(content?.table.name ?? 'experiment');
    renderWebview(panel.webview, this.context.extensionUri, 'dashboard', title);
    panel.title = title;
    const keys = content?.keys ?? [];
    const session = new RunWebviewSession({
      channel: {
        post: (message) => panel.webview.postMessage(message),
        onDidReceiveMessage: panel.webview.onDidReceiveMessage,
      },
      feed: createRunFeed(this.store, workspaceFolderPaths),
      actions: this.actions,
      log: (message) => this.log.warn(`experiments table: ${message}`),
      keys,
      table: content?.table ?? { kind: 'experiment', name: 'experiment', file: experimentPath, path: experimentPath },
    });
    // A run started, found or deleted since: the table shows the experiment's runs as they are now.
    const follow = this.store.onDidChangeRun((change) => {
      if (change.kind === 'changed') return;
      const now = experimentTable(this.index, this.store, experimentPath)?.keys ?? [];
      if (dashboardKey(now) !== dashboardKey(session.keys)) void session.setKeys(now);
    });
    this.panels.set(key, { id, panel, session });
    panel.onDidDispose(() => {
      follow.dispose();
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

function tableKey(experimentPath: string): string {
  return `table\n${experimentPath}`;
}

function tableTitle(name: string): string {
  return `Runs of ${name}`;
}
