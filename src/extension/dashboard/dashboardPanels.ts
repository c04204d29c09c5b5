// Dashboard panels: one per run, or per set of runs for Compare Runs. Opening runs that already
// have a panel reveals it. Panels come back after a window reload (registerWebviewPanelSerializer).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
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

  dispose(): void {
    // Panels closing because the window closes must stay remembered for the next start.
    this.shuttingDown = true;
    for (const dashboard of this.panels.values()) dashboard.session.dispose();
    this.disposables.dispose();
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
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
