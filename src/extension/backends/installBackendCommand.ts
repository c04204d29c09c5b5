// "MedTransfer: Install GPU Backend…": installs tfjs-node-gpu, tfjs-node or WebGPU into the
// extension's global storage (`<globalStorage>/backends`, which every run searches) with the npm
// of the Node that runs the trainer, behind a cancellable progress notification; afterwards
// offers to make it the backend for new runs, or says why it failed.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readSettings, SETTINGS } from '../settings/settings';
import { backendsInstallFolder } from './backendFolders';
import { INSTALLABLE_BACKENDS } from './installableBackends';
import type { InstallableBackend } from './installableBackends';
import { installFailureMessage, installSuccessMessage } from './installMessages';
import type { InstallOutcome } from './installMessages';
import { findNpm, npmCommandLine, npmInstallArgs } from './npmLocation';
import { startNpmInstall } from './npmInstallProcess';

export interface InstallBackendDependencies {
  globalStoragePath: string;
  log: vscode.LogOutputChannel;
}

export async function installBackend({ globalStoragePath, log }: InstallBackendDependencies): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    INSTALLABLE_BACKENDS.map((backend) => ({
      label: backend.label,
      description: backend.packages.join(' + '),
      detail: backend.detail,
      backend,
    })),
    { placeHolder: 'Backend to install into MedTransfer’s storage (every run looks there)', matchOnDetail: true },
  );
  if (!picked) return;
  const { backend } = picked;
  const { nodePath } = readSettings();
  const npm = findNpm({ nodePath, pathEnv: process.env['PATH'], platform: process.platform, exists: existsSync });
  if (npm === undefined) {
    const where = nodePath === '' ? 'on PATH' : `next to ${nodePath} (medtransfer.nodePath) or on PATH`;
    void vscode.window.showErrorMessage(
      `MedTransfer: npm was not found ${where}. ` +
        'Install Node.js with npm, or set medtransfer.nodePath to a Node that has npm.',
    );
    return;
  }
  const folder = backendsInstallFolder(globalStoragePath);
  await prepareFolder(folder);
  const args = npmInstallArgs(folder, backend.packages);
  const commandLine = npmCommandLine(folder, backend.packages);
  log.info(`installing ${backend.packages.join(' ')}: ${[npm.command, ...npm.args, ...args].join(' ')}`);

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${backend.label}`, cancellable: true },
    (progress, token): Promise<InstallOutcome> => {
      const run = startNpmInstall({
        npm,
        args,
        cwd: folder,
        onLine: (line) => {
          log.info(`npm: ${line}`);
          const text = line.replace(/^npm (error|warn|info)\s?/, '').trim();
          if (text !== '') progress.report({ message: text.length > 90 ? `${text.slice(0, 89)}…` : text });
        },
      });
      token.onCancellationRequested(() => run.cancel());
      return run.done;
    },
  );
  await report(backend, outcome, folder, commandLine, log);
}

async function report(
  backend: InstallableBackend,
  outcome: InstallOutcome,
  folder: string,
  commandLine: string,
  log: vscode.LogOutputChannel,
): Promise<void> {
  if (outcome.kind === 'cancelled') {
    log.info(`installing ${backend.packages.join(' ')}: cancelled`);
    return;
  }
  if (outcome.kind === 'succeeded') {
    log.info(`installed ${backend.packages.join(' ')} in ${folder}`);
    const choice = await vscode.window.showInformationMessage(
      installSuccessMessage(backend, join(folder, 'node_modules')),
      'Use it',
    );
    if (choice === 'Use it') await useBackend(backend.backend);
    return;
  }
  const message = installFailureMessage(backend, outcome, commandLine) ?? 'MedTransfer: the install failed.';
  log.error(message);
  const choice = await vscode.window.showErrorMessage(message, 'Show Log');
  if (choice === 'Show Log') log.show(true);
}

/** A package.json of its own: npm keeps what it lists, so one install does not remove another. */
async function prepareFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest)) {
    const content = {
      name: 'medtransfer-backends',
      private: true,
      description: 'Optional tfjs backends installed by MedTransfer: Install GPU Backend…',
    };
    await writeFile(manifest, `${JSON.stringify(content, null, 2)}\n`);
  }
}

/** Sets `medtransfer.backend` where the user keeps it (the workspace if it is set there), as Select Backend does. */
async function useBackend(choice: InstallableBackend['backend']): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SETTINGS.section);
  const inspected = configuration.inspect<string>(SETTINGS.backend);
  const target =
    inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await configuration.update(SETTINGS.backend, choice, target);
}
