// Export Report: `medtransfer report RUN_DIR` for a run (tree, palette, dashboard), then offers
// to open report.html in the browser or report.md in the editor.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { latestRunOf, runKeyOf } from '../commands/commandArgs';
import { pickRun } from '../commands/pickers';
import { cliFailure, runCliCommand } from '../explain/cliProcess';
import type { EvaluationCommandDependencies } from '../explain/explainImageCommand';
import { runLabel } from '../runs/runPaths';
import { REPORT_FILE_NAMES, reportArgs } from './reportRequest';

export async function exportReport(dependencies: EvaluationCommandDependencies, arg?: unknown): Promise<void> {
  const { context } = dependencies;
  const runDir =
    runKeyOf(arg, context) ??
    latestRunOf(arg, context) ??
    (await pickRun(context, 'Run to write a report for', (key) => context.store.get(key)?.state.status !== 'running'));
  if (!runDir) return;
  const record = context.store.get(runDir);
  const label = record ? runLabel(record.experimentName, record.runId) : runDir;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `MedTransfer: writing the report of ${label}…` },
    () => runCliCommand({ cliPath: dependencies.cliPath, args: reportArgs(runDir) }),
  );
  if (result.code !== 0) throw new Error(`could not write the report: ${cliFailure(result)}`);
  const html = vscode.Uri.file(join(runDir, REPORT_FILE_NAMES.html));
  const markdown = vscode.Uri.file(join(runDir, REPORT_FILE_NAMES.markdown));
  const choice = await vscode.window.showInformationMessage(
    `MedTransfer: report of ${label} written (report.html, report.md in the run folder).`,
    'Open in Browser',
    'Open Markdown',
    'Reveal',
  );
  if (choice === 'Open in Browser') await vscode.env.openExternal(html);
  if (choice === 'Open Markdown') await vscode.window.showTextDocument(markdown, { preview: true });
  if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', html);
}
