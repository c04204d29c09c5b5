// The editor's help with `pretrained:` in experiment files: a squiggle at its value for a missing
// file, a file that is no weight file and weights of another architecture (what `medtransfer
// validate` says, and more: every format is described); a hover saying what the file is; and
// completion listing the workspace's weight files and model folders. Files are read through the
// bundled trainer's `inspect-weights` (weightFileInspector.ts) on the workspace's own file system
// (node:fs: MedTransfer is a workspace extension, where the files and the trainer are).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { EXPERIMENT_DOCUMENT_SELECTOR } from '../codeLens/experimentCodeLensProvider';
import { DIAGNOSTIC_SOURCE } from '../diagnostics/fileDiagnostics';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { readSettings } from '../settings/settings';
import { DisposableStore } from '../util/emitter';
import { MODEL_FOLDER_GLOB, WEIGHT_FILE_GLOB, pretrainedCandidates } from './pretrainedCompletion';
import { pretrainedHoverText } from './pretrainedHoverText';
import { pretrainedProblem } from './pretrainedProblem';
import { isPretrainedValueAt, pretrainedValueOf } from './pretrainedValue';
import { WeightFileInspector } from './weightFileInspector';

const EXCLUDED = '**/{node_modules,.git}/**';
const MAX_CANDIDATES = 200;

export class PretrainedAssist implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly collection = this.disposables.add(
    vscode.languages.createDiagnosticCollection('medtransfer-pretrained'),
  );
  private readonly inspector: WeightFileInspector;
  /** The latest check of each experiment, so that a slower, older one does not overwrite it. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly index: ExperimentIndex,
    cliPath: string,
  ) {
    this.inspector = new WeightFileInspector({
      cliPath,
      execPath: () => readSettings().nodePath || undefined,
    });
    this.disposables.add(index.onDidChangeExperiments((paths) => paths.forEach((path) => void this.check(path))));
    for (const entry of index.all) void this.check(entry.path);
    this.disposables.add(vscode.languages.registerHoverProvider(EXPERIMENT_DOCUMENT_SELECTOR, this.hoverProvider()));
    this.disposables.add(
      vscode.languages.registerCompletionItemProvider(
        EXPERIMENT_DOCUMENT_SELECTOR,
        this.completionProvider(),
        ':',
        ' ',
        '/',
      ),
    );
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private async check(path: string): Promise<void> {
    const generation = (this.generations.get(path) ?? 0) + 1;
    this.generations.set(path, generation);
    const entry = this.index.get(path);
    const value = entry ? pretrainedValueOf(entry.text, dirname(path)) : null;
    if (!entry || !value) {
      this.collection.delete(entry?.uri ?? vscode.Uri.file(path));
      return;
    }
    const problem = pretrainedProblem(value.path, await this.inspector.inspect(value.path), value.architecture);
    if (this.generations.get(path) !== generation) return;
    if (problem === null) {
      this.collection.delete(entry.uri);
      return;
    }
    const document = await vscode.workspace.openTextDocument(entry.uri);
    const range = new vscode.Range(document.positionAt(value.start), document.positionAt(value.end));
    const diagnostic = new vscode.Diagnostic(range, problem, vscode.DiagnosticSeverity.Error);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = 'pretrained';
    this.collection.set(entry.uri, [diagnostic]);
  }

  private hoverProvider(): vscode.HoverProvider {
    return {
      provideHover: async (document, position) => {
        const value = pretrainedValueOf(document.getText(), dirname(document.uri.fsPath));
        if (!value) return undefined;
        const range = new vscode.Range(document.positionAt(value.start), document.positionAt(value.end));
        const keyLine = document.lineAt(range.start.line).text.startsWith('pretrained');
        if (!range.contains(position) && !(keyLine && position.line === range.start.line)) return undefined;
        const text = pretrainedHoverText(value.path, await this.inspector.inspect(value.path), value.preprocessing);
        return new vscode.Hover(new vscode.MarkdownString(text), range);
      },
    };
  }

  private completionProvider(): vscode.CompletionItemProvider {
    return {
      provideCompletionItems: async (document, position, token) => {
        if (!isPretrainedValueAt(document.getText(), document.offsetAt(position))) return undefined;
        const folder = vscode.workspace.getWorkspaceFolder(document.uri);
        if (!folder) return undefined;
        const find = (glob: string) =>
          vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), EXCLUDED, MAX_CANDIDATES, token);
        const [files, models] = await Promise.all([find(WEIGHT_FILE_GLOB), find(MODEL_FOLDER_GLOB)]);
        const candidates = pretrainedCandidates(
          dirname(document.uri.fsPath),
          files.map((uri) => uri.fsPath),
          models.map((uri) => uri.fsPath),
        );
        const line = document.lineAt(position.line).text;
        const valueStart = line.indexOf(':') + 1 + (line.slice(line.indexOf(':') + 1).match(/^\s*/)?.[0].length ?? 0);
        const replace = new vscode.Range(
          position.line,
          Math.min(valueStart, position.character),
          position.line,
          position.character,
        );
        return candidates.map((candidate, order) => {
          const item = new vscode.CompletionItem(
            candidate.path,
            candidate.kind === 'folder' ? vscode.CompletionItemKind.Folder : vscode.CompletionItemKind.File,
          );
          item.detail = candidate.kind === 'folder' ? 'TF.js model folder' : 'weight file';
          item.range = replace;
          item.sortText = String(order).padStart(4, '0');
          return item;
        });
      },
    };
  }
}
