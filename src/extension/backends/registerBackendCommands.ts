// Registers the backends feature's commands; as registerCommands does for the others, a failure
// ends in a notification and the log, never in an unhandled rejection.
import * as vscode from 'vscode';
import { BACKEND_COMMANDS } from '../commands/commandIds';
import { guardedByTrust } from '../trust/trustedCommands';
import { installBackend } from './installBackendCommand';
import type { InstallBackendDependencies } from './installBackendCommand';
import { errorMessage } from '../../shared/errors/errorMessage';

export function registerBackendCommands(dependencies: InstallBackendDependencies): vscode.Disposable {
  // It runs npm: not in Restricted Mode.
  const install = guardedByTrust(BACKEND_COMMANDS.installBackend, () => installBackend(dependencies));
  return vscode.commands.registerCommand(BACKEND_COMMANDS.installBackend, async () => {
    try {
      await install();
    } catch (error) {
      const message = errorMessage(error);
      dependencies.log.error(`${BACKEND_COMMANDS.installBackend} failed: ${message}`);
      void vscode.window.showErrorMessage(`MedTransfer: ${message}`);
    }
  });
}
