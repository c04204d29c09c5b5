// What the experiment and study lenses share: lenses on a file's first line, registered for its
// files, refreshed (throttled) when any of the given events fires or the workspace becomes trusted.
import * as vscode from 'vscode';
import { DisposableStore } from '../util/emitter';
import { throttle } from '../util/throttle';

/** One lens: its text, and the command it runs with its arguments. */
export interface TopLens {
  title: string;
  tooltip: string;
  command: string;
  arguments: unknown[];
}

export abstract class TopOfFileLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  protected readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<void>());

  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  /** Called once from the subclass's constructor: registers the provider; returns the (throttled) refresh. */
  protected register(
    selector: vscode.DocumentSelector,
    refreshedBy: readonly vscode.Event<unknown>[],
    throttleMs: number,
  ): () => void {
    const refresh = this.disposables.add(throttle(() => this.changeEmitter.fire(), throttleMs));
    for (const event of [...refreshedBy, vscode.workspace.onDidGrantWorkspaceTrust])
      this.disposables.add(event(refresh));
    this.disposables.add(vscode.languages.registerCodeLensProvider(selector, this));
    return refresh;
  }

  /** The lenses of `document`, in order; none for a file that is not one of ours. */
  protected abstract lenses(document: vscode.TextDocument): TopLens[];

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const range = new vscode.Range(0, 0, 0, 0);
    return this.lenses(document).map(({ title, tooltip, command, arguments: args }) => {
      return new vscode.CodeLens(range, { title, tooltip, command, arguments: args });
    });
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
