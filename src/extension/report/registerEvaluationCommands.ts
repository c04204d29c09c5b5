// Registers Export Report, Export Model as ONNX…, Explain with model… and Predict with Model…; as
// registerCommands does for the others, a failure ends in a notification and the log, never in an
// unhandled rejection. All run the bundled CLI, which looks for optional backends in the
// workspace's node_modules, so all are
// refused in Restricted Mode like every command that starts a process.
import * as vscode from 'vscode';
import { EVALUATION_COMMANDS } from '../commands/commandIds';
import { explainImage } from '../explain/explainImageCommand';
import type { EvaluationCommandDependencies } from '../explain/explainImageCommand';
import { predictWithModel } from '../predict/predictWithModelCommand';
import { guardedByTrust } from '../trust/trustedCommands';
import { exportOnnx } from './exportOnnxCommand';
import { exportReport } from './exportReportCommand';
import { errorMessage } from '../../shared/errors/errorMessage';

export function registerEvaluationCommands(dependencies: EvaluationCommandDependencies): vscode.Disposable[] {
  const handlers: Record<string, (...args: unknown[]) => Promise<void>> = {
    [EVALUATION_COMMANDS.exportReport]: (arg) => exportReport(dependencies, arg),
    [EVALUATION_COMMANDS.exportOnnx]: (arg) => exportOnnx(dependencies, arg),
    [EVALUATION_COMMANDS.explainImage]: (arg, selection) => explainImage(dependencies, arg, selection),
    [EVALUATION_COMMANDS.predictWithModel]: (arg, selection) => predictWithModel(dependencies, arg, selection),
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await guardedByTrust(id, handler)(...args);
      } catch (error) {
        const message = errorMessage(error);
        dependencies.context.log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`MedTransfer: ${message}`);
      }
    }),
  );
}
