// "Predict with Model…" on images and folders in the Explorer: pick a completed run (its
// fine-tuned model) or browse for a model folder (one from `medtransfer import`, say), run
// `medtransfer predict … --out FILE` (cancellable), open the CSV, and list the files it skipped.
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandContext';
import { isRunPick, runPicks } from '../commands/pickers';
import { runLabel } from '../runs/runPaths';
import { runCliCommand } from '../explain/cliProcess';
import type { EvaluationCommandDependencies } from '../explain/explainImageCommand';
import {
  PREDICTIONS_FILE,
  canPredict,
  isPredictableImage,
  predictOutcome,
  predictRequest,
  skippedSummary,
} from './predictRequest';

const BROWSE: vscode.QuickPickItem = {
  label: '$(folder-opened) Browse for a model folder…',
  description: 'model.json, weights.bin, metadata.json',
};

/** The Explorer's multi-selection, else the clicked entry: image files and folders on disk. */
async function targetsOf(arg: unknown, selection: unknown): Promise<string[]> {
  const uris = Array.isArray(selection) && selection.length > 0 ? selection : arg instanceof vscode.Uri ? [arg] : [];
  const targets: string[] = [];
  for (const uri of uris) {
    if (!(uri instanceof vscode.Uri) || uri.scheme !== 'file') continue;
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory || isPredictableImage(uri.fsPath)) targets.push(uri.fsPath);
  }
  return targets;
}

/** The model folder (or run folder) and where its CSV goes; undefined when the user gave up. */
async function chooseModel(
  context: CommandContext,
  what: string,
): Promise<{ modelDir: string; out: string; label: string } | undefined> {
  await context.index.ready();
  const runs = runPicks(context, (key) => {
    const record = context.store.get(key);
    return record !== undefined && canPredict(record.runDir, record.state);
  });
  const picked = await vscode.window.showQuickPick([BROWSE, ...runs], {
    placeHolder: `Run (its fine-tuned model) or model folder to predict ${what} with`,
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (isRunPick(picked)) {
    const record = context.store.get(picked.key);
    const label = record ? runLabel(record.experimentName, record.runId) : basename(picked.key);
    return { modelDir: picked.key, out: join(picked.key, PREDICTIONS_FILE), label };
  }
  if (picked !== BROWSE) return undefined;
  const [folder] =
    (await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Use This Model',
      title: 'Model folder (model.json, weights.bin, metadata.json)',
    })) ?? [];
  if (!folder) return undefined;
  const out = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(join(dirname(folder.fsPath), PREDICTIONS_FILE)),
    filters: { CSV: ['csv'] },
    title: 'Write the predictions to',
  });
  return out ? { modelDir: folder.fsPath, out: out.fsPath, label: basename(folder.fsPath) } : undefined;
}

export async function predictWithModel(
  dependencies: EvaluationCommandDependencies,
  arg?: unknown,
  selection?: unknown,
): Promise<void> {
  const { context } = dependencies;
  const targets = await targetsOf(arg, selection);
  if (targets.length === 0) {
    void vscode.window.showInformationMessage(
      'MedTransfer: right-click images (PNG, JPEG, DICOM, NIfTI) or folders in the Explorer to predict them.',
    );
    return;
  }
  const chosen = await chooseModel(
    context,
    targets.length === 1 ? basename(targets[0] ?? '') : `${targets.length} items`,
  );
  if (!chosen) return;
  const request = predictRequest(chosen.modelDir, targets, chosen.out);
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `MedTransfer: predicting with ${chosen.label}…`,
      cancellable: true,
    },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runCliCommand({ cliPath: dependencies.cliPath, ...request, signal: abort.signal });
    },
  );
  const outcome = predictOutcome(result);
  if (outcome.kind === 'cancelled') return;
  if (outcome.kind === 'failed') throw new Error(`could not predict: ${outcome.message}`);
  await vscode.window.showTextDocument(vscode.Uri.file(chosen.out), { preview: false });
  if (outcome.skipped.length > 0) {
    for (const file of outcome.skipped) context.log.warn(`predict skipped ${file.path}: ${file.reason}`);
    void vscode.window.showWarningMessage(
      `MedTransfer: ${outcome.skipped.length} skipped, not readable as images: ${skippedSummary(outcome.skipped)}.`,
    );
  }
}
