// Open Dashboard, Compare Runs, Open Runs Table and Show Monitor.
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { experimentPathOf, isExperimentsNode, latestRunOf, runKeyOf } from './commandArgs';
import { runsInDir } from '../runs/runQueries';
import { pickExperiment, pickRun, pickRuns } from './pickers';

export async function openDashboard(context: CommandContext, arg?: unknown): Promise<void> {
  const key = runKeyOf(arg, context) ?? latestRunOf(arg, context) ?? (await pickRun(context, 'Run to open'));
  if (key) context.dashboards.open([key]);
  else if (arg !== undefined)
    void vscode.window.showInformationMessage('MedTransfer: this experiment has no runs yet.');
}

/** From the tree: the selected runs (or the runs of selected experiments); else a multi-pick. */
export async function compareRuns(context: CommandContext, arg?: unknown, selection?: unknown): Promise<void> {
  const nodes = Array.isArray(selection) && selection.length > 0 ? selection : arg === undefined ? [] : [arg];
  const selected = nodes.flatMap((node: unknown) => {
    const key = runKeyOf(node, context);
    return key ? [key] : [];
  });
  if (selected.length >= 2) {
    context.dashboards.open(selected);
    return;
  }
  // Compare on one run or one experiment: start the pick from that run, or that experiment's runs.
  const preselected =
    selected.length > 0
      ? selected
      : nodes
          .filter(isExperimentsNode)
          .flatMap((node) => (node.kind === 'experiment' ? experimentRuns(context, node.path) : []));
  const keys = await pickRuns(context, 'Runs to compare (two or more)', preselected);
  if (!keys) return;
  if (keys.length < 2) {
    void vscode.window.showInformationMessage('MedTransfer: pick at least two runs to compare.');
    return;
  }
  context.dashboards.open(keys);
}

/** The experiments table of an experiment: from the tree, its lens or editor, else picked. */
export async function openRunsTable(context: CommandContext, arg?: unknown): Promise<void> {
  const path = experimentPathOf(arg, context) ?? (await pickExperiment(context, 'Experiment whose runs to list'));
  if (path) context.dashboards.openTable(path);
}

export async function showMonitor(context: CommandContext, arg?: unknown): Promise<void> {
  await context.monitor.reveal(runKeyOf(arg, context));
}

function experimentRuns(context: CommandContext, path: string): string[] {
  return runsInDir(context.store, context.index.get(path)?.experimentDir ?? null).map((record) => record.key);
}
