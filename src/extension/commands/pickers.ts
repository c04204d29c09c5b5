// Quick picks for commands run from the palette without an argument.
import * as vscode from 'vscode';
import { runsInDir } from '../runs/runQueries';
import { COMMANDS } from './commandIds';
import { outcomeText } from '../runs/runText';
import type { CommandContext } from './commandContext';
import { counted } from '../../shared/text/plural';

export interface RunPick extends vscode.QuickPickItem {
  key: string;
}

export async function pickExperiment(context: CommandContext, placeHolder: string): Promise<string | undefined> {
  await context.index.ready();
  const entries = context.index.all;
  if (entries.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'MedTransfer: there is no experiment file (*.experiment.yaml) in this workspace.',
      'New Experiment',
    );
    if (choice === 'New Experiment') await vscode.commands.executeCommand(COMMANDS.newExperiment);
    return undefined;
  }
  if (entries.length === 1) return entries[0]?.path;
  const picked = await vscode.window.showQuickPick(
    entries.map((entry) => ({
      label: entry.summary.name ?? entry.stem,
      description: entry.relativePath,
      detail: entry.summary.valid ? undefined : counted(entry.summary.diagnostics.length, 'problem'),
      path: entry.path,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.path;
}

/** The runs `filter` keeps, under a separator per experiment. */
export function runPicks(
  context: CommandContext,
  filter: (key: string) => boolean,
): (RunPick | vscode.QuickPickItem)[] {
  const items: (RunPick | vscode.QuickPickItem)[] = [];
  for (const entry of context.index.all) {
    const runs = runsInDir(context.store, entry.experimentDir).filter((record) => filter(record.key));
    if (runs.length === 0) continue;
    items.push({ label: entry.summary.name ?? entry.stem, kind: vscode.QuickPickItemKind.Separator });
    for (const record of runs)
      items.push({ label: record.runId, description: outcomeText(record.state), key: record.key });
  }
  return items;
}

export function isRunPick(item: vscode.QuickPickItem): item is RunPick {
  return 'key' in item;
}

export async function pickRun(
  context: CommandContext,
  placeHolder: string,
  filter: (key: string) => boolean = () => true,
): Promise<string | undefined> {
  await context.index.ready();
  const items = runPicks(context, filter);
  if (!items.some(isRunPick)) {
    void vscode.window.showInformationMessage('MedTransfer: no runs to choose from.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked && isRunPick(picked) ? picked.key : undefined;
}

export async function pickRuns(
  context: CommandContext,
  placeHolder: string,
  preselected: readonly string[] = [],
): Promise<string[] | undefined> {
  await context.index.ready();
  const items = runPicks(context, () => true).map((item) =>
    isRunPick(item) ? { ...item, picked: preselected.includes(item.key) } : item,
  );
  if (items.filter(isRunPick).length < 2) {
    void vscode.window.showInformationMessage('MedTransfer: comparing needs at least two runs.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true, matchOnDescription: true });
  return picked?.filter(isRunPick).map((item) => item.key);
}
