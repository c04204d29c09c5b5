// MedTransfer's extension host: wires the parts together. Each part is a Disposable in the
// extension's subscriptions. `deactivate` leaves running trainers running: a run outlives the
// window, and the next window reattaches to it by following its run folder.
import * as vscode from 'vscode';
import { registerBackendCommands } from './backends/registerBackendCommands';
import { ExperimentCodeLensProvider } from './codeLens/experimentCodeLensProvider';
import type { CommandContext } from './commands/commandContext';
import { registerCommands } from './commands/registerCommands';
import { CLUSTER_COMMANDS, COMMANDS, CONTEXT_KEYS, EVALUATION_COMMANDS, STUDY_COMMANDS } from './commands/commandIds';
import { DashboardPanels } from './dashboard/dashboardPanels';
import type { RunWebviewActions } from './dashboard/runWebviewSession';
import { FileDiagnostics } from './diagnostics/fileDiagnostics';
import { PretrainedAssist } from './weights/pretrainedAssist';
import { ExperimentIndex } from './experiments/experimentIndex';
import { ExperimentsTreeProvider } from './experiments/experimentsTreeProvider';
import type { ExperimentsNode } from './experiments/experimentsTreeProvider';
import { MonitorViewProvider } from './monitor/monitorViewProvider';
import { registerEvaluationCommands } from './report/registerEvaluationCommands';
import { registerClusterCommands } from './cluster/registerClusterCommands';
import { RunDiscovery } from './runs/runDiscovery';
import { RunLiveness } from './runs/runLiveness';
import { RunStore } from './runs/runStore';
import { RunsWatcher } from './runs/runsWatcher';
import { RunStatusBar } from './statusBar/runStatusBar';
import { StudyCodeLensProvider } from './studies/studyCodeLensProvider';
import { registerStudyCommands } from './studies/studyCommands';
import { StudyIndex } from './studies/studyIndex';
import { StudyProcesses } from './studies/studyProcesses';
import { TrainerService } from './trainer/trainerService';
import { errorMessage } from '../shared/errors/errorMessage';

export const EXPERIMENTS_VIEW_ID = 'medtransfer.experiments';

let trainerService: TrainerService | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('MedTransfer', { log: true });
  const trainerOutput = vscode.window.createOutputChannel('MedTransfer Trainer');
  context.subscriptions.push(log, trainerOutput);

  const index = new ExperimentIndex((message) => log.warn(message));
  const store = new RunStore({ log: (message) => log.warn(message) });
  const discovery = new RunDiscovery(store);
  const studies = new StudyIndex((message) => log.warn(message), index.onDidChangeExperiments, store.onDidChangeRun);
  context.subscriptions.push(index, store, studies);

  // What the webviews may ask for. The dashboards both use and serve these, so they refer to
  // them lazily (only webview messages, after activation, call them).
  const webviewActions: RunWebviewActions = {
    // Through the command: it explains when the run cannot be stopped from here.
    stopRun: (key) => vscode.commands.executeCommand(COMMANDS.stopRun, key).then(() => undefined),
    revealRunFolder: (key) => vscode.commands.executeCommand(COMMANDS.revealRunFolder, key).then(() => undefined),
    openDashboard: (key) => dashboards.open([key]),
    compareRuns: (keys) => dashboards.open(keys),
    exportReport: (key) => vscode.commands.executeCommand(EVALUATION_COMMANDS.exportReport, key).then(() => undefined),
  };
  const dashboards = new DashboardPanels(context, store, index, studies, webviewActions, log);
  const monitor = new MonitorViewProvider(context, store, webviewActions, log);
  const trainer = new TrainerService({
    cliPath: context.asAbsolutePath('dist/cli.js'),
    // Where "Install GPU Backend…" installs; every run searches it (with medtransfer.backendPaths).
    globalStoragePath: context.globalStorageUri.fsPath,
    index,
    store,
    log,
    trainerOutput,
    onRunStarted: (runDir) => monitor.follow(runDir),
    openDashboard: (runDir) => dashboards.open([runDir]),
    resumeRun: (runDir) => void vscode.commands.executeCommand(COMMANDS.resumeRun, runDir),
  });
  trainerService = trainer;
  context.subscriptions.push(dashboards, monitor, trainer);

  // Runs this window did not start and that have not ended: reattached (their trainer outlived a
  // reload) or interrupted (it is gone), checked by pid.
  const liveness = new RunLiveness({ store, isOwn: (key) => trainer.launcher.runByDir(key) !== undefined });
  context.subscriptions.push(liveness);

  const studyProcesses = new StudyProcesses({
    cliPath: context.asAbsolutePath('dist/cli.js'),
    output: (studyFile, line) => trainerOutput.appendLine(`[${studies.get(studyFile)?.stem ?? 'study'}] ${line}`),
  });
  const tree = new ExperimentsTreeProvider(index, store, trainer.launcher, liveness, studies, studyProcesses);
  const treeView = vscode.window.createTreeView<ExperimentsNode>(EXPERIMENTS_VIEW_ID, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  context.subscriptions.push(tree, treeView);
  context.subscriptions.push(
    treeView.onDidChangeSelection(({ selection }) => {
      // The Monitor shows the run picked in the tree (one run, not a multi-selection for comparing).
      const [only] = selection;
      if (selection.length === 1 && only?.kind === 'run') monitor.follow(only.key);
    }),
  );
  const updateTrustMessage = () => {
    treeView.message = vscode.workspace.isTrusted
      ? undefined
      : 'Restricted Mode: runs are shown, but running experiments is disabled until you trust this workspace.';
  };
  updateTrustMessage();
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(updateTrustMessage));

  const updateActivity = () => {
    const attached = store
      .all()
      .filter(
        (record) => record.controllable && record.state.status === 'running' && !trainer.launcher.runByDir(record.key),
      ).length;
    const active = trainer.launcher.activeRuns.length + attached;
    const queued = trainer.launcher.queuedRuns.length;
    treeView.badge =
      active + queued > 0 ? { value: active + queued, tooltip: `${active} running, ${queued} queued` } : undefined;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasActiveRuns, active + queued > 0);
  };
  context.subscriptions.push(
    trainer.launcher.onDidStartRun(updateActivity),
    trainer.launcher.onDidEndRun(updateActivity),
    trainer.launcher.onDidChangeQueue(updateActivity),
    liveness.onDidChange(updateActivity),
  );

  context.subscriptions.push(
    new FileDiagnostics('medtransfer', index, index.onDidChangeExperiments),
    new PretrainedAssist(index, context.asAbsolutePath('dist/cli.js')),
    new ExperimentCodeLensProvider(index, store, trainer.launcher, liveness, {
      run: COMMANDS.runExperiment,
      resume: COMMANDS.resumeRun,
      stop: COMMANDS.stopRun,
      explainRestricted: COMMANDS.explainRestrictedMode,
      runOnCluster: CLUSTER_COMMANDS.runOnCluster,
      openDashboard: COMMANDS.openDashboard,
    }),
    new RunStatusBar(store, trainer.launcher, () => monitor.followedRun, COMMANDS.showMonitor),
  );
  context.subscriptions.push(
    studyProcesses,
    studyProcesses.onDidEnd((end) => {
      studies.rereadRecords();
      const name = studies.get(end.studyFile)?.summary.name ?? end.studyFile;
      const outcome = end.error ?? (end.code === 0 ? 'finished' : `ended (exit code ${end.code ?? end.signal})`);
      void vscode.window
        .showInformationMessage(`MedTransfer: study ${name} ${outcome}.`, 'Open Study')
        .then((choice) => {
          if (choice === 'Open Study') dashboards.openStudy(end.studyFile);
        });
    }),
    new FileDiagnostics('medtransfer-study', studies, studies.onDidChangeStudies),
    new StudyCodeLensProvider(studies, studyProcesses, {
      run: STUDY_COMMANDS.runStudy,
      resume: STUDY_COMMANDS.resumeStudy,
      stop: STUDY_COMMANDS.stopStudy,
      open: STUDY_COMMANDS.openStudy,
      'explain-restricted': COMMANDS.explainRestrictedMode,
    }),
    ...registerStudyCommands({
      studies,
      processes: studyProcesses,
      dashboards,
      log,
      output: trainerOutput,
      globalStoragePath: context.globalStorageUri.fsPath,
    }),
  );
  void studies.ready();
  const runsWatcher = new RunsWatcher(index, discovery, (message) => log.warn(message));
  context.subscriptions.push(runsWatcher);

  const commandContext: CommandContext = {
    index,
    store,
    liveness,
    discovery,
    trainer,
    dashboards,
    monitor,
    tree,
    treeView,
    log,
    trainerOutput,
    cliPath: context.asAbsolutePath('dist/cli.js'),
  };
  context.subscriptions.push(...registerCommands(commandContext));
  context.subscriptions.push(
    ...registerEvaluationCommands({
      context: commandContext,
      cliPath: context.asAbsolutePath('dist/cli.js'),
      extensionUri: context.extensionUri,
    }),
  );
  context.subscriptions.push(
    ...registerClusterCommands({ context: commandContext, cliPath: context.asAbsolutePath('dist/cli.js') }),
  );
  context.subscriptions.push(registerBackendCommands({ globalStoragePath: context.globalStorageUri.fsPath, log }));

  void index.ready().then(
    () => runsWatcher.track(),
    (error: unknown) => log.error(`could not list experiment files: ${errorMessage(error)}`),
  );
  log.info(`activated (trainer: ${context.asAbsolutePath('dist/cli.js')}, runtime: ${process.execPath})`);
}

export function deactivate(): void {
  const trainer = trainerService;
  trainerService = undefined;
  // Hours of training must not end with a window: each trainer keeps running and writing its
  // run folder; the next window shows it running and can stop it (see runs/detachedRuns.ts).
  trainer?.detachAll();
}
