// The status bar item while runs are active here: phase, epoch and last val AUC of the run the
// Monitor follows (else the newest active one); a click opens the Monitor.
import * as vscode from 'vscode';
import { runLabel } from '../runs/runPaths';
import type { RunStore } from '../runs/runStore';
import type { RunLauncher } from '../trainer/runLauncher';
import { DisposableStore } from '../util/emitter';
import { throttle } from '../util/throttle';
import { statusBarSpec } from './statusBarText';

export class RunStatusBar implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly item = this.disposables.add(
    vscode.window.createStatusBarItem('medtransfer.runs', vscode.StatusBarAlignment.Left, 50),
  );

  constructor(
    private readonly store: RunStore,
    private readonly launcher: RunLauncher,
    private readonly followedRun: () => string | null,
    showMonitorCommand: string,
  ) {
    this.item.name = 'MedTransfer Runs';
    this.item.command = showMonitorCommand;
    const update = this.disposables.add(throttle(() => this.update(), 250));
    this.disposables.add(store.onDidChangeRun(update));
    this.disposables.add(launcher.onDidChangeQueue(update));
    this.disposables.add(launcher.onDidStartRun(update));
    this.disposables.add(launcher.onDidEndRun(update));
    this.update();
  }

  update(): void {
    const active = this.launcher.activeRuns;
    // Runs this window reattached to after a reload: stoppable from here, so counted as active.
    const attached = this.store
      .all()
      .filter(
        (record) => record.controllable && record.state.status === 'running' && !this.launcher.runByDir(record.key),
      );
    const followed = this.followedRun();
    const followedRecord = followed ? this.store.get(followed) : undefined;
    const newest = [...active].sort((a, b) => b.startedAt - a.startedAt)[0];
    const focusedRecord =
      followedRecord?.state.status === 'running'
        ? followedRecord
        : newest
          ? this.store.get(newest.plan.runDir)
          : attached[0];
    const starting = this.launcher.queuedRuns.length;
    const elsewhere = focusedRecord && !focusedRecord.controllable && focusedRecord.state.status === 'running' ? 1 : 0;
    const spec = statusBarSpec({
      focused: focusedRecord
        ? { label: runLabel(focusedRecord.experimentName, focusedRecord.runId), state: focusedRecord.state }
        : null,
      activeCount: active.length + attached.length + elsewhere,
      queuedCount: starting,
    });
    if (!spec) {
      this.item.hide();
      return;
    }
    this.item.text = spec.text;
    this.item.tooltip = spec.tooltip;
    this.item.show();
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
