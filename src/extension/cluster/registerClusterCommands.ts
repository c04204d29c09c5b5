// Registers Run on Cluster; like every command that starts a process, refused in Restricted Mode,
// and a failure ends in a notification and the log.
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors/errorMessage';
import { CLUSTER_COMMANDS } from '../commands/commandIds';
import { guardedByTrust } from '../trust/trustedCommands';
import { runOnCluster } from './runOnClusterCommand';
import type { ClusterCommandDependencies } from './runOnClusterCommand';

export function registerClusterCommands(dependencies: ClusterCommandDependencies): vscode.Disposable[] {
  const id = CLUSTER_COMMANDS.runOnCluster;
  return [
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await guardedByTrust(id, (arg?: unknown) => runOnCluster(dependencies, arg))(...args);
      } catch (error) {
        const message = errorMessage(error);
        dependencies.context.log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`MedTransfer: ${message}`);
      }
    }),
  ];
}
