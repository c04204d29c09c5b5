// Runs experiments from this window: prepares each launch (validated file, runs folder, run
// id, settings), forks the bundled trainer, feeds its events into the run store, writes its
// output to the "MedTransfer Trainer" channel, and tells the user how each run ended.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { parseExperiment } from '../../shared/experiment/parseExperiment';
import { trainerCommandLine } from '../../shared/host/trainerCommandLine';
import { previewUntrusted } from '../../shared/validation/untrustedInput';
import { checkedRunId } from '../../shared/run/plainName';
import { trainerBackendPaths } from '../backends/backendFolders';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { appendEventToRun, hostRunEndedEvent } from '../../shared/host/recordRunEnd';
import { listRunIdsOnDisk } from '../runs/runDiscovery';
import { hasCheckpoint } from '../runs/runFolder';
import { experimentRunsDir, newRunId, resolveRunsRoot, runLabel } from '../runs/runPaths';
import type { RunStore } from '../runs/runStore';
import { outcomeText } from '../runs/runText';
import { affectsSetting, readSettings } from '../settings/settings';
import { restrictedModeRefusal } from '../trust/workspaceTrust';
import { DisposableStore } from '../util/emitter';
import { RunLauncher } from './runLauncher';
import type { ActiveRun, LaunchPlan, RequestResult } from './runLauncher';
import { failureNotice, resumeFailureNotice } from './failureNotice';
import { decideLaunchEnd } from './launchEnd';
import type { LaunchEnd } from './launchEnd';
import type { RunOutcome } from './runOutcome';
import { trainerResumeRequest, trainerRunRequest } from './trainerRequests';
import { TrainerProcess } from './trainerProcess';
import type { TrainerExit } from './trainerProcess';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface TrainerServiceDependencies {
  /** The bundled trainer, `dist/cli.js` inside the extension. */
  cliPath: string;
  /** The extension's global storage: runs search its backends/node_modules for optional backends. */
  globalStoragePath?: string;
  index: ExperimentIndex;
  store: RunStore;
  log: vscode.LogOutputChannel;
  trainerOutput: vscode.OutputChannel;
  /** A run started here: the Monitor follows it. */
  onRunStarted: (runDir: string) => void;
  openDashboard: (runDir: string) => void;
  /** The Resume Run command (it checks trust and resumability). */
  resumeRun: (runDir: string) => void;
}

export class TrainerService implements vscode.Disposable {
  readonly launcher: RunLauncher;
  private readonly disposables = new DisposableStore();

  constructor(private readonly dependencies: TrainerServiceDependencies) {
    this.launcher = this.disposables.add(
      new RunLauncher({
        prepare: (file, resumeRunDir) =>
          resumeRunDir === null ? this.prepare(file) : this.prepareResume(file, resumeRunDir),
        createProcess: (plan) => this.createProcess(plan),
        maxConcurrent: () => readSettings().maxConcurrentRuns,
        refusal: () => restrictedModeRefusal(vscode.workspace.isTrusted),
      }),
    );
    const { launcher } = this;
    this.disposables.add(launcher.onDidStartRun((run) => this.started(run)));
    this.disposables.add(
      launcher.onDidReceiveEvent(({ run, event }) => dependencies.store.append(run.plan.runDir, [event])),
    );
    this.disposables.add(
      launcher.onDidOutput(({ run, line }) =>
        dependencies.trainerOutput.appendLine(`[${run.plan.experimentName} ${run.plan.runId}] ${line.line}`),
      ),
    );
    this.disposables.add(
      launcher.onDidDropMessage(({ run, dropped }) =>
        dependencies.log.warn(
          `run ${run.plan.runId}: dropped a message from the trainer (${dropped.reason}): ` +
            previewUntrusted(dropped.message),
        ),
      ),
    );
    this.disposables.add(launcher.onDidEndRun(({ run, exit, outcome }) => void this.ended(run, exit, outcome)));
    this.disposables.add(
      launcher.onDidRefuseRun(({ experimentFile, error }) => {
        dependencies.log.error(`queued run of ${experimentFile} could not start: ${error}`);
        void vscode.window.showErrorMessage(
          `MedTransfer: the queued run of ${basename(experimentFile)} could not start: ${error}`,
        );
      }),
    );
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsSetting(event, 'maxConcurrentRuns')) launcher.drainQueue();
      }),
    );
  }

  /** Starts (or queues) a run. Refuses in an untrusted workspace: training runs code on this machine. */
  async run(experimentFile: string): Promise<RequestResult> {
    return this.launcher.request(experimentFile);
  }

  /** Resumes (or queues the resume of) a run from its checkpoint, in the same run folder. */
  async resume(runDir: string): Promise<RequestResult> {
    const record = this.dependencies.store.get(runDir);
    const experimentFile = record?.state.experimentFile ?? null;
    if (!record || experimentFile === null)
      return { kind: 'refused', error: 'its events do not say which experiment it ran' };
    return this.launcher.request(experimentFile, runDir);
  }

  stop(runDir: string): Promise<TrainerExit> | null {
    return this.launcher.stopRun(runDir);
  }

  /**
   * Deactivation (reload, close): trainers keep running on their own and the next window
   * reattaches to them through their run folders; queued runs are forgotten.
   */
  detachAll(): string[] {
    const detached = this.launcher.detachAll();
    for (const runDir of detached)
      this.dependencies.log.info(`left run ${runDir} running on its own (the window is closing)`);
    return detached;
  }

  dispose(): void {
    this.detachAll();
    this.disposables.dispose();
  }

  private async prepare(experimentFile: string): Promise<LaunchPlan | { error: string }> {
    let text: string;
    try {
      // The trainer reads the file from disk; the command saved a dirty editor first.
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(experimentFile)));
    } catch (error) {
      return { error: `cannot read ${experimentFile}: ${errorMessage(error)}` };
    }
    const parsed = parseExperiment(text);
    if (!parsed.ok) {
      const [first] = parsed.diagnostics;
      const more = parsed.diagnostics.length > 1 ? ` (and ${parsed.diagnostics.length - 1} more)` : '';
      return {
        error:
          `${basename(experimentFile)} is not valid: ` +
          `line ${first?.start.line ?? 1}: ${first?.message ?? 'invalid'}${more}`,
      };
    }
    const uri = vscode.Uri.file(experimentFile);
    const settings = readSettings(uri);
    const runsRoot = resolveRunsRoot({
      experimentFile,
      setting: settings.runsFolder,
      workspaceFolder: vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath,
      home: homedir(),
    });
    const experimentDir = experimentRunsDir(runsRoot, parsed.experiment.name);
    const taken = new Set(await listRunIdsOnDisk(experimentDir));
    for (const run of this.launcher.activeRuns)
      if (dirname(run.plan.runDir) === experimentDir) taken.add(run.plan.runId);
    const runId = newRunId(new Date(), taken);
    return {
      experimentFile,
      experimentName: parsed.experiment.name,
      runId,
      runDir: join(experimentDir, checkedRunId(runId)),
      args: trainerCommandLine(
        trainerRunRequest({
          experimentFile,
          runsRoot,
          runId,
          backend: settings.backend,
          backendPaths: this.backendPaths(settings.backendPaths),
        }),
      ),
      cwd: dirname(experimentFile),
    };
  }

  /** `resume RUN_DIR`: the trainer reads the experiment and checkpoint from the run folder. */
  private async prepareResume(experimentFile: string, runDir: string): Promise<LaunchPlan | { error: string }> {
    await this.dependencies.store.refresh(runDir);
    const record = this.dependencies.store.get(runDir);
    if (!record) return { error: `${runDir} is not a run folder this window knows` };
    const settings = readSettings(vscode.Uri.file(experimentFile));
    return {
      experimentFile,
      experimentName: record.experimentName,
      runId: record.runId,
      runDir,
      args: trainerCommandLine(
        trainerResumeRequest({
          runDir,
          backend: settings.backend,
          backendPaths: this.backendPaths(settings.backendPaths),
        }),
      ),
      cwd: existsSync(dirname(experimentFile)) ? dirname(experimentFile) : runDir,
    };
  }

  private backendPaths(setting: string[]): string[] {
    const storage = this.dependencies.globalStoragePath;
    return storage === undefined ? setting : trainerBackendPaths(setting, storage, homedir());
  }

  private createProcess(plan: LaunchPlan): TrainerProcess {
    const { nodePath } = readSettings(vscode.Uri.file(plan.experimentFile));
    return new TrainerProcess({
      modulePath: this.dependencies.cliPath,
      args: plan.args,
      execPath: nodePath === '' ? process.execPath : nodePath,
      cwd: plan.cwd,
    });
  }

  private started(run: ActiveRun): void {
    const { store, trainerOutput, log } = this.dependencies;
    store.ensure(run.plan.runDir);
    store.setControllable(run.plan.runDir, true);
    trainerOutput.appendLine(
      `[${run.plan.experimentName} ${run.plan.runId}] started: ` +
        `${basename(this.dependencies.cliPath)} ${run.plan.args.join(' ')}`,
    );
    log.info(`run ${run.plan.runId} of ${run.plan.experimentFile} started in ${run.plan.runDir}`);
    this.dependencies.onRunStarted(run.plan.runDir);
  }

  private async ended(run: ActiveRun, exit: TrainerExit, exitOutcome: RunOutcome): Promise<void> {
    const { store, log, trainerOutput } = this.dependencies;
    const { runDir, runId, experimentName } = run.plan;
    // The run folder is the truth: read what the trainer wrote last (its run-ended may have
    // reached the file but not the IPC channel).
    await store.refresh(runDir);
    let record = store.get(runDir);
    const end = decideLaunchEnd({
      state: record?.state ?? null,
      args: run.plan.args,
      runDir,
      pid: run.process.pid ?? null,
      launchedAt: run.startedAt,
      exitCode: exit.code,
      exitOutcome,
    });
    const { outcome } = end;
    if (end.kind === 'died' && record) {
      // The trainer died without recording its end: record it, so the folder stops reading as running.
      const event = hostRunEndedEvent(record.state, outcome, new Date());
      store.append(runDir, [event]);
      try {
        await appendEventToRun(runDir, event);
      } catch (error) {
        log.warn(`could not record the end of run ${runId} in its events.jsonl: ${errorMessage(error)}`);
      }
    }
    store.setControllable(runDir, false);
    if (end.kind === 'not-started') {
      // This launch did nothing to the run (its folder keeps its own end, or another trainer's
      // progress): say why the resume did not start, never the run's earlier end.
      trainerOutput.appendLine(
        `[${experimentName} ${runId}] exited (code ${exit.code ?? '–'}) before resuming the run: ${end.message}`,
      );
      return this.resumeNotStarted(run, end);
    }
    record = store.get(runDir);
    trainerOutput.appendLine(
      `[${experimentName} ${runId}] exited (code ${exit.code ?? '–'}${exit.signal ? `, ${exit.signal}` : ''}): ` +
        `${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`,
    );
    const label = runLabel(experimentName, runId);
    const canOpen = () => store.has(runDir);
    // Resume is offered wherever the run left a checkpoint (it ended after an epoch).
    const resume = hasCheckpoint(runDir) ? ['Resume'] : [];
    if (outcome.status === 'failed' || outcome.status === 'interrupted') {
      const notice = failureNotice(label, outcome);
      log.error(notice);
      const choice = await vscode.window.showErrorMessage(
        notice,
        ...resume,
        'Show Log',
        ...(canOpen() ? ['Open Dashboard'] : []),
      );
      if (choice === 'Show Log') trainerOutput.show(true);
      if (choice === 'Open Dashboard' && canOpen()) this.dependencies.openDashboard(runDir);
      if (choice === 'Resume') this.dependencies.resumeRun(runDir);
    } else if (outcome.status === 'stopped') {
      const saved = outcome.error === null;
      const message = saved
        ? `MedTransfer: run ${label} stopped; the model was saved.`
        : `MedTransfer: run ${label} stopped: ${outcome.error}`;
      const choice = await (saved
        ? vscode.window.showInformationMessage(message, ...resume)
        : vscode.window.showWarningMessage(message, ...resume, 'Show Log'));
      if (choice === 'Show Log') trainerOutput.show(true);
      if (choice === 'Resume') this.dependencies.resumeRun(runDir);
    } else {
      const result = record ? outcomeText(record.state) : 'completed';
      const choice = await vscode.window.showInformationMessage(
        `MedTransfer: run ${label} completed: ${result}`,
        'Open Dashboard',
      );
      if (choice === 'Open Dashboard' && canOpen()) this.dependencies.openDashboard(runDir);
    }
  }

  /** A resume whose trainer exited before it resumed: refused (another trainer holds the run…) or failed to start. */
  private async resumeNotStarted(run: ActiveRun, end: Extract<LaunchEnd, { kind: 'not-started' }>): Promise<void> {
    const { log, trainerOutput } = this.dependencies;
    const label = runLabel(run.plan.experimentName, run.plan.runId);
    const notice = end.refused
      ? `MedTransfer: run ${label} was not resumed: ${end.message}`
      : resumeFailureNotice(label, { ...end.outcome, error: end.message });
    log.warn(notice);
    const choice = await (end.refused
      ? vscode.window.showWarningMessage(notice, 'Show Log')
      : vscode.window.showErrorMessage(notice, 'Show Log'));
    if (choice === 'Show Log') trainerOutput.show(true);
  }
}
