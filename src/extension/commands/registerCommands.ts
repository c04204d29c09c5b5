// Registers every command with its handler; errors end in a notification and the log, never
// in an unhandled rejection.
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { COMMANDS } from './commandIds';
import type { CommandId } from './commandIds';
import { compareRuns, openDashboard, openRunsTable, showMonitor } from './dashboardCommands';
import { newExperiment } from './newExperiment';
import { deleteRun, revealRunFolder, showTrainerLog } from './runFolderCommands';
import { resumeRun } from './resumeCommands';
import { explainRestrictedMode, runExperiment, stopRun } from './runCommands';
import { guardedByTrust } from '../trust/trustedCommands';
import { pickBackendSetting } from './pickBackendSetting';
import { errorMessage } from '../../shared/errors/errorMessage';

type Handler = (context: CommandContext, ...args: unknown[]) => Promise<void> | void;

const HANDLERS: Record<CommandId, Handler> = {
  [COMMANDS.runExperiment]: (context, arg) => runExperiment(context, arg),
  [COMMANDS.stopRun]: (context, arg) => stopRun(context, arg),
  [COMMANDS.openDashboard]: (context, arg) => openDashboard(context, arg),
  [COMMANDS.newExperiment]: () => newExperiment(),
  [COMMANDS.compareRuns]: (context, arg, selection) => compareRuns(context, arg, selection),
  [COMMANDS.openRunsTable]: (context, arg) => openRunsTable(context, arg),
  [COMMANDS.revealRunFolder]: (context, arg) => revealRunFolder(context, arg),
  [COMMANDS.showTrainerLog]: (context, arg) => showTrainerLog(context, arg),
  [COMMANDS.selectBackend]: () => pickBackendSetting(),
  [COMMANDS.deleteRun]: (context, arg) => deleteRun(context, arg),
  [COMMANDS.showMonitor]: (context, arg) => showMonitor(context, arg),
  [COMMANDS.refreshExperiments]: async (context) => {
    await context.index.refreshAll();
    await context.discovery.scan();
    context.tree.refresh();
  },
  [COMMANDS.explainRestrictedMode]: () => explainRestrictedMode(),
  [COMMANDS.resumeRun]: (context, arg) => resumeRun(context, arg),
};

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(HANDLERS).map(([id, handler]) => {
    const guarded = guardedByTrust(id, (...args: unknown[]) => handler(context, ...args));
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await guarded(...args);
      } catch (error) {
        const message = errorMessage(error);
        context.log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`MedTransfer: ${message}`);
      }
    });
  });
}
