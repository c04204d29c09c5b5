// Reveal Run Folder, Delete Run and Show Trainer Log.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILES } from '../../shared/run/runFiles';
import { runLabel } from '../runs/runPaths';
import type { CommandContext } from './commandContext';
import { latestRunOf, runKeyOf } from './commandArgs';
import { pickRun } from './pickers';
import { errorMessage } from '../../shared/errors/errorMessage';

export async function revealRunFolder(context: CommandContext, arg?: unknown): Promise<void> {
  const key = runKeyOf(arg, context) ?? latestRunOf(arg, context) ?? (await pickRun(context, 'Run folder to reveal'));
  if (!key) return;
  const uri = vscode.Uri.file(key);
  // Inside the workspace the Explorer shows it; elsewhere (a shared runs folder) the OS does.
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

export async function deleteRun(context: CommandContext, arg?: unknown): Promise<void> {
  const key =
    runKeyOf(arg, context) ??
    (arg === undefined
      ? await pickRun(context, 'Run to delete', (candidate) => context.store.get(candidate)?.state.status !== 'running')
      : undefined);
  const record = key ? context.store.get(key) : undefined;
  if (!key || !record) return;
  if (record.state.status === 'running') {
    void vscode.window.showWarningMessage('MedTransfer: stop the run before deleting it.');
    return;
  }
  const label = runLabel(record.experimentName, record.runId);
  const choice = await vscode.window.showWarningMessage(
    `Delete run ${label}?`,
    { modal: true, detail: `Its folder (model, events, log) is moved to the trash:\n${key}` },
    'Delete',
  );
  if (choice !== 'Delete') return;
  const uri = vscode.Uri.file(key);
  try {
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: true });
  } catch (error) {
    const message = errorMessage(error);
    const again = await vscode.window.showErrorMessage(
      `MedTransfer: could not move ${label} to the trash (${message}).`,
      { modal: true },
      'Delete Permanently',
    );
    if (again !== 'Delete Permanently') return;
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
  }
  context.store.remove(key);
  if (context.monitor.followedRun === key) context.monitor.follow(null);
  await context.discovery.scan();
}

export async function showTrainerLog(context: CommandContext, arg?: unknown): Promise<void> {
  const key = runKeyOf(arg, context);
  const log = key ? join(key, RUN_FILES.log) : null;
  if (log && existsSync(log)) {
    await vscode.window.showTextDocument(vscode.Uri.file(log), { preview: true });
    return;
  }
  context.trainerOutput.show(true);
}
