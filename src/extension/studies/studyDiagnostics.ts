// Problems of study files as squiggles at their line and column (the study's own, and those its
// base experiment causes, placed at `experiment:`, a varied key or the value that breaks it).
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../diagnostics/experimentDiagnostics';
import { toEditorProblems } from '../diagnostics/diagnosticRanges';
import { DisposableStore } from '../util/emitter';
import type { StudyIndex } from './studyIndex';

export class StudyDiagnostics implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly collection = this.disposables.add(vscode.languages.createDiagnosticCollection('medtransfer-study'));

  constructor(private readonly index: StudyIndex) {
    this.disposables.add(index.onDidChangeStudies((paths) => paths.forEach((path) => this.update(path))));
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
