// Registers the backends feature's commands; as registerCommands does for the others, a failure
// ends in a notification and the log, never in an unhandled rejection.
import * as vscode from 'vscode';
import { BACKEND_COMMANDS } from '../commands/commandIds';
import { installBackend } from './installBackendCommand';
import type { InstallBackendDependencies } from './installBackendCommand';

export function registerBackendCommands(dependencies: InstallBackendDependencies): vscode.Disposable {
  return vscode.commands.registerCommand(BACKEND_COMMANDS.installBackend, async () => {
    try {
      await installBackend(dependencies);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      dependencies.log.error(`${BACKEND_COMMANDS.installBackend} failed: ${message}`);
      void vscode.window.showErrorMessage(`MedTransfer: ${message}`);
    }
  });
}
