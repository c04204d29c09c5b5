// Run on Cluster: `medtransfer submit` of an experiment or study file with the medtransfer.slurm.*
// settings, by the bundled CLI on this machine (a SLURM login node, through Remote-SSH). The run's
// folder appears at once; its trainer's events show in the tree when the job starts.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { STUDY_FILE_PATTERN } from '../../shared/study/studySchema';
import type { CommandContext } from '../commands/commandContext';
import { cliFailure, runCliCommand } from '../explain/cliProcess';
import { isExperimentFile } from '../experiments/experimentFiles';
import { resolveRunsRoot } from '../runs/runPaths';
import { readSettings } from '../settings/settings';
import { readSlurmSettings } from './clusterSettings';
import { submitArgs, submittedJob } from './submitArgs';

export interface ClusterCommandDependencies {
  context: CommandContext;
  cliPath: string;
}

export async function runOnCluster(dependencies: ClusterCommandDependencies, arg?: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  const file = uri?.fsPath;
  const isStudy = file !== undefined && STUDY_FILE_PATTERN.test(file);
  if (uri === undefined || file === undefined || (!isStudy && !isExperimentFile(file))) {
    void vscode.window.showWarningMessage('MedTransfer: open an experiment or study file to run it on the cluster.');
    return;
  }
  const settings = readSettings(uri);
  const runsDir = resolveRunsRoot({
    experimentFile: file,
    setting: settings.runsFolder,
    workspaceFolder: vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath,
    home: homedir(),
  });
  const args = submitArgs(file, runsDir, readSlurmSettings(), isStudy);
  dependencies.context.log.info(`submitting: medtransfer ${args.join(' ')}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'MedTransfer: submitting to SLURM…' },
    () =>
      runCliCommand({
        cliPath: dependencies.cliPath,
        args,
        ...(settings.nodePath === '' ? {} : { execPath: settings.nodePath }),
      }),
  );
  if (result.code !== 0) throw new Error(`could not submit to SLURM: ${cliFailure(result)}`);
  const { jobId, folder } = submittedJob(result.stdout, result.stderr);
  const choice = await vscode.window.showInformationMessage(
    `MedTransfer: submitted as SLURM job ${jobId ?? '?'}; it shows in the Experiments view when it starts.`,
    'Reveal Folder',
  );
  if (choice === 'Reveal Folder' && folder !== null)
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder));
}
