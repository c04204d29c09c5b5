// Problems of the files an index keeps (experiment files, study files) as squiggles at their line
// and column, updated whenever the index re-reads a file (an open file's buffer on each change).
import * as vscode from 'vscode';
import type { ExperimentDiagnostic } from '../../shared/experiment/validatedYaml';
import { DisposableStore } from '../util/emitter';
import { toEditorProblems } from './diagnosticRanges';

export const DIAGNOSTIC_SOURCE = 'MedTransfer';

/** A file as its index read it: its text and what validating it found. */
export interface DiagnosedFile {
  path: string;
  uri: vscode.Uri;
  text: string;
  summary: { valid: boolean; diagnostics: readonly ExperimentDiagnostic[] };
}

/** An index of files: every entry, and one by path. */
export interface DiagnosedFiles {
  readonly all: readonly DiagnosedFile[];
  get(path: string): DiagnosedFile | undefined;
}

export class FileDiagnostics implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly collection: vscode.DiagnosticCollection;

  /** `name`: the collection's; `changed`: the index's event with the paths it re-read. */
  constructor(
    name: string,
    private readonly files: DiagnosedFiles,
    changed: vscode.Event<readonly string[]>,
  ) {
    this.collection = this.disposables.add(vscode.languages.createDiagnosticCollection(name));
    this.disposables.add(changed((paths) => paths.forEach((path) => this.update(path))));
    for (const entry of files.all) this.update(entry.path);
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private update(path: string): void {
    const entry = this.files.get(path);
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
