// Commands are invoked from the palette (no argument), the tree (a node, and the selection),
// code lenses (a Uri or a run folder path), the explorer and editor title (a Uri), and the
// webviews (a run key). These turn any of them into an experiment file or run folder.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { isExperimentFile } from '../experiments/experimentFiles';
import type { ExperimentsNode } from '../experiments/experimentsTreeProvider';
import { runsInDir } from '../runs/runQueries';
import type { CommandContext } from './commandContext';

export function isExperimentsNode(value: unknown): value is ExperimentsNode {
  if (value === null || typeof value !== 'object' || !('kind' in value)) return false;
  const { kind } = value as { kind: unknown };
  return (
    kind === 'experiment' ||
    kind === 'run' ||
    kind === 'queued' ||
    kind === 'study' ||
    kind === 'study-point' ||
    kind === 'study-run'
  );
}

/** The experiment file an argument names (a Uri, a tree node), or the active editor's. */
export function experimentPathOf(arg: unknown, context: CommandContext): string | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' && isExperimentFile(arg.fsPath) ? arg.fsPath : undefined;
  if (isExperimentsNode(arg)) {
    if (arg.kind === 'experiment') return arg.path;
    if (arg.kind === 'run' || arg.kind === 'queued') return arg.experimentPath;
    // A study's run: the experiment whose runs folder holds it.
    if (arg.kind === 'study-run') return experimentPathOf(arg.key, context);
    return undefined;
  }
  if (typeof arg === 'string') {
    if (isExperimentFile(arg)) return arg;
    const record = context.store.get(arg);
    if (record) return context.index.all.find((entry) => entry.experimentDir === dirname(record.runDir))?.path;
    return undefined;
  }
  if (arg === undefined) {
    const document = vscode.window.activeTextEditor?.document;
    if (document && document.uri.scheme === 'file' && isExperimentFile(document.uri.fsPath)) return document.uri.fsPath;
  }
  return undefined;
}

/** The run an argument names (a run node, a known run folder path). */
export function runKeyOf(arg: unknown, context: CommandContext): string | undefined {
  if (isExperimentsNode(arg) && (arg.kind === 'run' || arg.kind === 'study-run'))
    return context.store.has(arg.key) ? arg.key : undefined;
  if (typeof arg === 'string' && context.store.has(arg)) return arg;
  if (arg instanceof vscode.Uri && context.store.has(arg.fsPath)) return arg.fsPath;
  return undefined;
}

/** The newest run of the experiment an argument names. */
export function latestRunOf(arg: unknown, context: CommandContext): string | undefined {
  const path = experimentPathOf(arg, context);
  const entry = path ? context.index.get(path) : undefined;
  return entry ? runsInDir(context.store, entry.experimentDir)[0]?.key : undefined;
}
