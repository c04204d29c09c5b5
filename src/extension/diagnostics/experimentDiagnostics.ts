// Schema problems of experiment files as squiggles at their line and column, updated as the
// user types (the index re-reads an open file's buffer on each change, debounced).
import * as vscode from 'vscode';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { DisposableStore } from '../util/emitter';
import { toEditorProblems } from './diagnosticRanges';

export const DIAGNOSTIC_SOURCE = 'MedTransfer';

export class ExperimentDiagnostics implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly collection = this.disposables.add(vscode.languages.createDiagnosticCollection('medtransfer'));

  constructor(private readonly index: ExperimentIndex) {
    this.disposables.add(index.onDidChangeExperiments((paths) => paths.forEach((path) => this.update(path))));
    for (const entry of index.all) this.update(entry.path);
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private update(path: string): void {
    const entry = this.index.get(path);
    const uri = entry?.uri ?? vscode.Uri.file(path);
    if (!entry || entry.summary.valid) {
      this.collection.delete(uri);
      return;
    }
    this.collection.set(
      uri,
      toEditorProblems(entry.summary.diagnostics, entry.text).map(({ range, message, path: keyPath }) => {
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(range.startLine, range.startCharacter, range.endLine, range.endCharacter),
          message,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = DIAGNOSTIC_SOURCE;
        if (keyPath) diagnostic.code = keyPath;
        return diagnostic;
      }),
    );
  }
}
