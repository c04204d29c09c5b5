// Export Model as ONNX…: asks where to save (the run folder's model.onnx by default), runs
// `medtransfer export RUN_DIR --format onnx --out FILE`, and offers to reveal the file.
import * as vscode from 'vscode';
import { latestRunOf, runKeyOf } from '../commands/commandArgs';
import { pickRun } from '../commands/pickers';
import { cliFailure, runCliCommand } from '../explain/cliProcess';
import type { EvaluationCommandDependencies } from '../explain/explainImageCommand';
import { runLabel } from '../runs/runPaths';
import { defaultOnnxPath, exportOnnxArgs } from './exportOnnxRequest';

export async function exportOnnx(dependencies: EvaluationCommandDependencies, arg?: unknown): Promise<void> {
  const { context } = dependencies;
  const runDir =
    runKeyOf(arg, context) ??
    latestRunOf(arg, context) ??
    (await pickRun(
      context,
      'Run whose model to export',
      (key) => context.store.get(key)?.state.status === 'completed',
    ));
  if (!runDir) return;
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(defaultOnnxPath(runDir)),
    filters: { 'ONNX model': ['onnx'] },
    saveLabel: 'Export',
    title: 'MedTransfer: Export Model as ONNX',
  });
  if (!target) return;
  const record = context.store.get(runDir);
  const label = record ? runLabel(record.experimentName, record.runId) : runDir;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `MedTransfer: exporting the model of ${label}…` },
    () => runCliCommand({ cliPath: dependencies.cliPath, args: exportOnnxArgs(runDir, target.fsPath) }),
  );
  if (result.code !== 0) throw new Error(`could not export the model: ${cliFailure(result)}`);
  const choice = await vscode.window.showInformationMessage(
    `MedTransfer: the model of ${label} is written as ${vscode.workspace.asRelativePath(target)}.`,
    'Reveal',
  );
  if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', target);
}
