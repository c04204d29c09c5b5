// "Explain with model…" on image files in the Explorer: pick a completed run with a model, run
// `medtransfer explain RUN_DIR FILE... --json` (cancellable), show the maps in the Explain panel.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { pickRun } from '../commands/pickers';
import type { CommandContext } from '../commands/commandContext';
import { runLabel } from '../runs/runPaths';
import { cliFailure, runCliCommand } from './cliProcess';
import { canExplain, explainArgs, isExplainableImage, parseExplainOutput } from './explainRequest';
import { showExplainPanel } from './explainPanel';

export interface EvaluationCommandDependencies {
  context: CommandContext;
  cliPath: string;
  extensionUri: vscode.Uri;
}

/**
 * The files the command was invoked on: the Explorer's multi-selection, else the clicked file, else the active
 * editor's.
 */
function filesOf(arg: unknown, selection: unknown): string[] {
  const uris = Array.isArray(selection) && selection.length > 0 ? selection : arg instanceof vscode.Uri ? [arg] : [];
  const fromEditor = vscode.window.activeTextEditor?.document.uri;
  const all = (uris.length > 0 ? uris : fromEditor ? [fromEditor] : []).filter(
    (uri): uri is vscode.Uri => uri instanceof vscode.Uri && uri.scheme === 'file',
  );
  return all.map((uri) => uri.fsPath).filter(isExplainableImage);
}

export async function explainImage(
  dependencies: EvaluationCommandDependencies,
  arg?: unknown,
  selection?: unknown,
): Promise<void> {
  const { context } = dependencies;
  const files = filesOf(arg, selection);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      'MedTransfer: right-click PNG, JPEG or DICOM files in the Explorer to explain them with a run’s models.',
    );
    return;
  }
  const runDir = await pickRun(
    context,
    `Run whose models explain ${files.length === 1 ? basename(files[0] ?? '') : `${files.length} images`}`,
    (key) => {
      const record = context.store.get(key);
      return record !== undefined && canExplain(record.runDir, record.state);
    },
  );
  if (!runDir) return;
  const record = context.store.get(runDir);
  const label = record ? runLabel(record.experimentName, record.runId) : basename(runDir);
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `MedTransfer: explaining with ${label}…`,
      cancellable: true,
    },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runCliCommand({ cliPath: dependencies.cliPath, args: explainArgs(runDir, files), signal: abort.signal });
    },
  );
  if (result.code === null && result.stderr === 'cancelled') return;
  if (result.code !== 0) throw new Error(`could not explain the images: ${cliFailure(result)}`);
  const saliency = parseExplainOutput(result.stdout);
  showExplainPanel(
    dependencies.extensionUri,
    { type: 'did-explain-images', run: label, files: files.map((file) => basename(file)), saliency },
    context.log,
  );
}
