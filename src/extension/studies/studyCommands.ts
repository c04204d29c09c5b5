// Run Study, Resume Study, Stop Study and Open Study: from a study file's lenses (a Uri), the
// Experiments tree (a study node), the palette (the active editor's study, else a pick). Running
// spawns `medtransfer study FILE --runs-dir DIR` through StudyProcesses and opens the Study view.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { trainerBackendPaths } from '../backends/backendFolders';
import { errorMessage } from '../../shared/errors/errorMessage';
import { STUDY_COMMANDS } from '../commands/commandIds';
import type { DashboardPanels } from '../dashboard/dashboardPanels';
import { readSettings } from '../settings/settings';
import { guardedByTrust } from '../trust/trustedCommands';
import { isStudyFile } from './studyFiles';
import type { StudyIndex } from './studyIndex';
import type { StudyProcesses } from './studyProcesses';

export interface StudyCommandContext {
  studies: StudyIndex;
  processes: StudyProcesses;
  dashboards: Pick<DashboardPanels, 'openStudy'>;
  log: vscode.LogOutputChannel;
  output: vscode.OutputChannel;
  /** Where Install GPU Backend… puts backends; every study's trainers look there too, as runs do. */
  globalStoragePath: string;
}

/** A tree node of a study (experimentsTreeProvider.ts) names its file as `studyPath`. */
function studyPathOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' && isStudyFile(arg.fsPath) ? arg.fsPath : undefined;
  if (typeof arg === 'string') return isStudyFile(arg) ? arg : undefined;
  if (arg !== null && typeof arg === 'object' && 'studyPath' in arg) {
    const { studyPath } = arg as { studyPath: unknown };
    return typeof studyPath === 'string' ? studyPath : undefined;
  }
  if (arg === undefined) {
    const document = vscode.window.activeTextEditor?.document;
    if (document?.uri.scheme === 'file' && isStudyFile(document.uri.fsPath)) return document.uri.fsPath;
  }
  return undefined;
}

async function pickStudy(context: StudyCommandContext, placeHolder: string): Promise<string | undefined> {
  await context.studies.ready();
  const items = context.studies.all.map((entry) => ({
    label: entry.summary.name ?? entry.stem,
    description: entry.relativePath,
    path: entry.path,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('MedTransfer: no study file (*.study.yaml) in this workspace.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.path;
}

async function startStudy(context: StudyCommandContext, arg: unknown, resume: boolean): Promise<void> {
  const path = studyPathOf(arg) ?? (await pickStudy(context, resume ? 'Study to resume' : 'Study to run'));
  if (!path) return;
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.fsPath === path);
  if (document?.isDirty && !(await document.save())) return;
  await context.studies.ready();
  const entry = context.studies.get(path);
  if (!entry) {
    void vscode.window.showErrorMessage(`MedTransfer: ${path} is not a study file of this workspace.`);
    return;
  }
  if (!entry.summary.valid) {
    const [first] = entry.summary.diagnostics;
    const where = first ? ` (line ${first.start.line}: ${first.message})` : '';
    void vscode.window.showErrorMessage(`MedTransfer: fix the study file's problems first${where}.`);
    return;
  }
  if (context.processes.isRunning(path)) {
    context.dashboards.openStudy(path);
    return;
  }
  const settings = readSettings(entry.uri);
  const backendPaths = trainerBackendPaths(settings.backendPaths, context.globalStoragePath, homedir());
  const extraArgs = [
    ...(settings.backend === 'auto' ? [] : ['--backend', settings.backend]),
    ...backendPaths.flatMap((folder) => ['--backend-path', folder]),
    ...(settings.maxConcurrentRuns > 1 ? ['--max-parallel', String(settings.maxConcurrentRuns)] : []),
  ];
  context.log.info(`starting study ${path}${resume ? ' (resume)' : ''}`);
  context.processes.start({
    studyFile: path,
    runsDir: entry.runsRoot,
    resume,
    extraArgs,
    ...(settings.nodePath === '' ? {} : { execPath: settings.nodePath }),
  });
  context.dashboards.openStudy(path);
}

async function stopStudy(context: StudyCommandContext, arg: unknown): Promise<void> {
  const path = studyPathOf(arg);
  if (path && context.processes.stop(path)) return;
  const running = context.studies.all.filter((entry) => context.processes.isRunning(entry.path));
  if (!path && running.length === 1 && running[0]) {
    context.processes.stop(running[0].path);
    return;
  }
  void vscode.window.showInformationMessage(
    'MedTransfer: no study started from this window is running. ' +
      'A study started in a terminal stops with Ctrl-C there.',
  );
}

async function openStudy(context: StudyCommandContext, arg: unknown): Promise<void> {
  const path = studyPathOf(arg) ?? (await pickStudy(context, 'Study to open'));
  if (!path) return;
  await context.studies.ready();
  context.dashboards.openStudy(path);
}

export function registerStudyCommands(context: StudyCommandContext): vscode.Disposable[] {
  const handlers: Record<string, (arg: unknown) => Promise<void>> = {
    [STUDY_COMMANDS.runStudy]: (arg) => startStudy(context, arg, false),
    [STUDY_COMMANDS.resumeStudy]: (arg) => startStudy(context, arg, true),
    [STUDY_COMMANDS.stopStudy]: (arg) => stopStudy(context, arg),
    [STUDY_COMMANDS.openStudy]: (arg) => openStudy(context, arg),
  };
  return Object.entries(handlers).map(([id, handler]) => {
    const guarded = guardedByTrust(id, handler);
    return vscode.commands.registerCommand(id, async (arg: unknown) => {
      try {
        await guarded(arg);
      } catch (error) {
        const message = errorMessage(error);
        context.log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`MedTransfer: ${message}`);
      }
    });
  });
}
