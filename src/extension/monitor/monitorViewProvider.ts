// The Monitor view: one run, live, in the MedTransfer side bar (the other engineer's monitor
// app, hosted here with the same protocol as the dashboard). It follows the run started last
// in this window, or the run picked in the tree; the choice survives a reload.
import * as vscode from 'vscode';
import { createRunFeed } from '../dashboard/runFeed';
import { workspaceFolderPaths } from '../dashboard/webviewContent';
import { RunWebviewSession } from '../dashboard/runWebviewSession';
import type { RunWebviewActions } from '../dashboard/runWebviewSession';
import { renderWebview } from '../dashboard/webviewContent';
import { runLabel } from '../runs/runPaths';
import type { RunStore } from '../runs/runStore';
import { DisposableStore, Emitter } from '../util/emitter';

export const MONITOR_VIEW_ID = 'medtransfer.monitor';
const FOLLOWED_RUN_STATE = 'medtransfer.monitoredRun';

export class MonitorViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly followEmitter = this.disposables.add(new Emitter<string | null>());
  private view: vscode.WebviewView | null = null;
  private session: RunWebviewSession | null = null;
  private followed: string | null;

  /** The run the Monitor shows changed. */
  readonly onDidChangeFollowedRun = this.followEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: RunStore,
    private readonly actions: RunWebviewActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const remembered = context.workspaceState.get<unknown>(FOLLOWED_RUN_STATE);
    this.followed = typeof remembered === 'string' ? remembered : null;
    this.disposables.add(vscode.window.registerWebviewViewProvider(MONITOR_VIEW_ID, this));
    // A run that leaves the store stays followed: it may come back (its experiment's `name` is
    // being edited) and the view still reads it from its folder. Delete Run unfollows it.
    this.disposables.add(
      store.onDidChangeRun(({ key, kind }) => {
        if (key === this.followed && kind !== 'changed') this.updateDescription();
      }),
    );
  }

  get followedRun(): string | null {
    return this.followed;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.session?.dispose();
    renderWebview(view.webview, this.context.extensionUri, 'monitor', 'MedTransfer Monitor');
    const session = new RunWebviewSession({
      channel: {
        post: (message) => view.webview.postMessage(message),
        onDidReceiveMessage: view.webview.onDidReceiveMessage,
      },
      feed: createRunFeed(this.store, workspaceFolderPaths),
      actions: this.actions,
      log: (message) => this.log.warn(`monitor: ${message}`),
      keys: this.followed ? [this.followed] : [],
    });
    this.session = session;
    this.updateDescription();
    view.onDidDispose(() => {
      session.dispose();
      if (this.session === session) this.session = null;
      if (this.view === view) this.view = null;
    });
  }

  /** Shows this run (null: none). */
  follow(key: string | null): void {
    if (key === this.followed) return;
    this.followed = key;
    void this.context.workspaceState.update(FOLLOWED_RUN_STATE, key ?? undefined);
    void this.session?.setKeys(key ? [key] : []);
    this.updateDescription();
    this.followEmitter.fire(key);
  }

  /** Opens the Monitor view, following `key` if given. */
  async reveal(key?: string): Promise<void> {
    if (key !== undefined) this.follow(key);
    await vscode.commands.executeCommand(`${MONITOR_VIEW_ID}.focus`);
  }

  dispose(): void {
    this.session?.dispose();
    this.disposables.dispose();
  }

  private updateDescription(): void {
    if (!this.view) return;
    const record = this.followed ? this.store.get(this.followed) : undefined;
    this.view.description = record ? runLabel(record.experimentName, record.runId) : undefined;
  }
}
