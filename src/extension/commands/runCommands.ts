// Run Experiment and Stop Run. Running refuses in an untrusted workspace (the menus and lenses
// already hide or explain it; the command checks again, since it can be invoked directly).
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { RESTRICTED_MODE_MESSAGE } from '../trust/workspaceTrust';
import { readSlurmJobFile } from '../../shared/host/slurmJobFile';
import { cliFailure, runCliCommand } from '../explain/cliProcess';
import type { CommandContext } from './commandContext';
import { experimentPathOf, isExperimentsNode, runKeyOf } from './commandArgs';
import { pickExperiment } from './pickers';
import { counted, plural } from '../../shared/text/plural';

export async function explainRestrictedMode(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `MedTransfer: ${RESTRICTED_MODE_MESSAGE}`,
    'Manage Workspace Trust',
  );
  if (choice === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
}

export async function runExperiment(context: CommandContext, arg?: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    await explainRestrictedMode();
    return;
  }
  const path =
    experimentPathOf(arg, context) ??
    (arg === undefined ? await pickExperiment(context, 'Experiment to run') : undefined);
  if (!path) return;
  const name = basename(path);

  // The trainer reads the file from disk: save what is on screen first.
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.fsPath === path);
  if (document?.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage(`MedTransfer: could not save ${name}; the run would not see your changes.`);
    return;
  }

  const entry = context.index.get(path);
  if (entry && !entry.summary.valid) {
    const count = entry.summary.diagnostics.length;
    const choice = await vscode.window.showErrorMessage(
      `MedTransfer: ${name} has ${counted(count, 'problem')}; fix ${plural(count, 'it', 'them')} to run.`,
      'Show Problems',
    );
    if (choice === 'Show Problems') {
      await vscode.window.showTextDocument(entry.uri);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
    }
    return;
  }

  if (context.trainer.launcher.runsOf(path).length > 0) {
    const choice = await vscode.window.showInformationMessage(
      `MedTransfer: ${name} is already running.`,
      'Start Another Run',
      'Show Monitor',
    );
    if (choice === 'Show Monitor') await context.monitor.reveal(context.trainer.launcher.runsOf(path)[0]?.plan.runDir);
    if (choice !== 'Start Another Run') return;
  }

  const result = await context.trainer.run(path);
  switch (result.kind) {
    case 'start':
      return;
    case 'queued':
      void vscode.window.showInformationMessage(
        `MedTransfer: ${name} is queued (#${result.position}); ` +
          'it starts when a running run ends (setting medtransfer.maxConcurrentRuns).',
      );
      return;
    case 'already-queued':
      void vscode.window.showInformationMessage(`MedTransfer: ${name} is already queued (#${result.position}).`);
      return;
    case 'refused':
      void vscode.window.showErrorMessage(`MedTransfer: cannot run ${name}: ${result.error}`);
      return;
  }
}

export async function stopRun(context: CommandContext, arg?: unknown): Promise<void> {
  const { launcher } = context.trainer;
  // A queued run (its tree node, or the experiment's lens while it waits): cancel it.
  if (isExperimentsNode(arg) && arg.kind === 'queued') {
    launcher.cancelQueued(arg.experimentPath);
    return;
  }
  let key = runKeyOf(arg, context);
  if (!key && arg !== undefined) {
    const path = experimentPathOf(arg, context);
    if (path && launcher.cancelQueued(path)) return;
    key = path ? launcher.runsOf(path)[0]?.plan.runDir : undefined;
  }
  if (!key && arg === undefined) key = await pickActiveRun(context);
  if (!key) return;
  const record = context.store.get(key);
  if (!launcher.runByDir(key) && readSlurmJobFile(key) !== null && record?.state.status === 'running') {
    await cancelSlurmJob(context, key);
    return;
  }
  if (!launcher.runByDir(key)) {
    // A trainer this window reattached to (it outlived a reload, or runs from a terminal on this
    // machine): SIGTERM, which the trainer treats as Stop (end the batch, save, run-ended).
    if (context.liveness.stop(key)) {
      void vscode.window.setStatusBarMessage(
        `MedTransfer: stopping ${record?.runId ?? 'the run'} after the current batch…`,
        5000,
      );
      return;
    }
    const message =
      record?.state.status === 'running'
        ? 'MedTransfer: this run is not a trainer on this machine that this window can stop ' +
          '(it runs on another machine, or has just ended); stop it where it runs.'
        : 'MedTransfer: this run is not running.';
    void vscode.window.showInformationMessage(message);
    return;
  }
  void vscode.window.setStatusBarMessage(
    `MedTransfer: stopping ${record?.runId ?? 'the run'} after the current batch…`,
    5000,
  );
  await context.trainer.stop(key);
}

async function pickActiveRun(context: CommandContext): Promise<string | undefined> {
  const { launcher } = context.trainer;
  // Runs started here, and runs this window reattached to after a reload (stopped by SIGTERM).
  const active = [
    ...launcher.activeRuns.map((run) => ({
      experimentName: run.plan.experimentName,
      runId: run.plan.runId,
      runDir: run.plan.runDir,
    })),
    ...context.store
      .all()
      .filter((record) => record.controllable && record.state.status === 'running' && !launcher.runByDir(record.key)),
  ];
  const queued = launcher.queuedRuns;
  if (active.length === 1 && queued.length === 0) return active[0]?.runDir;
  if (active.length === 0 && queued.length === 0) {
    void vscode.window.showInformationMessage('MedTransfer: no run is active in this window.');
    return undefined;
  }
  const items = [
    ...active.map((run) => ({
      label: `$(debug-stop) ${run.experimentName}`,
      description: run.runId,
      key: run.runDir,
      queuedFile: undefined,
    })),
    ...queued.map((run, index) => ({
      label: `$(watch) ${basename(run.experimentFile)}`,
      description: `queued #${index + 1}: cancel`,
      key: undefined,
      queuedFile: run.experimentFile,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Run to stop' });
  if (picked?.queuedFile) launcher.cancelQueued(picked.queuedFile);
  return picked?.key;
}

/** A run submitted to SLURM: `medtransfer cancel` (scancel); its trainer, if started, saves and stops. */
async function cancelSlurmJob(context: CommandContext, runDir: string): Promise<void> {
  const result = await runCliCommand({ cliPath: context.cliPath, args: ['cancel', runDir] });
  if (result.code !== 0) throw new Error(`could not cancel the SLURM job: ${cliFailure(result)}`);
  void vscode.window.setStatusBarMessage(`MedTransfer: cancelled the SLURM job of ${basename(runDir)}`, 5000);
}
