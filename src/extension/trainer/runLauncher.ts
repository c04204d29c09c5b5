// Starts trainers for this window: one process per run, at most `maxConcurrent` at once (the
// rest wait in a visible queue), and reports what they do. It knows nothing of vscode: how a
// launch is prepared (settings, paths) and how a process is made come in as callbacks.
import type { TrainerEvent } from '../../shared/run/events';
import { DisposableStore, Emitter } from '../util/emitter';
import type { Disposable, Event } from '../util/emitter';
import { RunQueue } from '../../shared/run/runQueue';
import type { EnqueueResult, QueuedRun } from '../../shared/run/runQueue';
import { outcomeOfExit } from './runOutcome';
import type { RunOutcome } from './runOutcome';
import type { DroppedMessage, TrainerExit, TrainerOutputLine, TrainerProcess } from './trainerProcess';
import { errorMessage } from '../../shared/errors/errorMessage';

/** Everything needed to fork one run, decided when it starts (not when it was queued). */
export interface LaunchPlan {
  experimentFile: string;
  experimentName: string;
  runId: string;
  runDir: string;
  /** The trainer CLI's arguments (`run FILE --runs-dir … --run-id …`). */
  args: string[];
  cwd: string;
}

/** Prepares a new run of the experiment, or the resume of `resumeRunDir` (its checkpoint). */
export type PrepareLaunch = (
  experimentFile: string,
  resumeRunDir: string | null,
) => Promise<LaunchPlan | { error: string }>;

export interface ActiveRun {
  readonly plan: LaunchPlan;
  readonly process: TrainerProcess;
  readonly startedAt: number;
}

export interface RunLauncherDependencies {
  prepare: PrepareLaunch;
  createProcess: (plan: LaunchPlan) => TrainerProcess;
  maxConcurrent: () => number;
  /** Why no run may start now (Restricted Mode), or null: checked on every request and fork. */
  refusal?: () => string | null;
  now?: () => number;
}

export type RequestResult = EnqueueResult | { kind: 'refused'; error: string };

export class RunLauncher implements Disposable {
  private readonly queue = new RunQueue();
  private readonly active = new Map<string, ActiveRun>();
  /** Experiment files being prepared (between the decision to start and the fork). */
  private readonly starting: string[] = [];
  private readonly disposables = new DisposableStore();
  private disposed = false;

  private readonly queueEmitter = this.disposables.add(new Emitter<void>());
  private readonly startEmitter = this.disposables.add(new Emitter<ActiveRun>());
  private readonly eventEmitter = this.disposables.add(new Emitter<{ run: ActiveRun; event: TrainerEvent }>());
  private readonly outputEmitter = this.disposables.add(new Emitter<{ run: ActiveRun; line: TrainerOutputLine }>());
  private readonly droppedEmitter = this.disposables.add(new Emitter<{ run: ActiveRun; dropped: DroppedMessage }>());
  private readonly endEmitter = this.disposables.add(
    new Emitter<{ run: ActiveRun; exit: TrainerExit; outcome: RunOutcome }>(),
  );
  private readonly refusedEmitter = this.disposables.add(new Emitter<{ experimentFile: string; error: string }>());

  /** The queue or the set of starting runs changed. */
  readonly onDidChangeQueue: Event<void> = this.queueEmitter.event;
  readonly onDidStartRun: Event<ActiveRun> = this.startEmitter.event;
  readonly onDidReceiveEvent: Event<{ run: ActiveRun; event: TrainerEvent }> = this.eventEmitter.event;
  readonly onDidOutput: Event<{ run: ActiveRun; line: TrainerOutputLine }> = this.outputEmitter.event;
  readonly onDidDropMessage: Event<{ run: ActiveRun; dropped: DroppedMessage }> = this.droppedEmitter.event;
  readonly onDidEndRun: Event<{ run: ActiveRun; exit: TrainerExit; outcome: RunOutcome }> = this.endEmitter.event;
  /** A run taken from the queue could not start (its file became invalid, say). */
  readonly onDidRefuseRun: Event<{ experimentFile: string; error: string }> = this.refusedEmitter.event;

  constructor(private readonly dependencies: RunLauncherDependencies) {}

  get activeRuns(): ActiveRun[] {
    return [...this.active.values()];
  }

  get queuedRuns(): readonly QueuedRun[] {
    return this.queue.items;
  }

  runByDir(runDir: string): ActiveRun | undefined {
    return this.active.get(runDir);
  }

  runsOf(experimentFile: string): ActiveRun[] {
    return this.activeRuns.filter((run) => run.plan.experimentFile === experimentFile);
  }

  isStarting(experimentFile: string): boolean {
    return this.starting.includes(experimentFile);
  }

  queuePosition(experimentFile: string): number | null {
    return this.queue.positionOf(experimentFile);
  }

  /**
   * Starts a run of the experiment now, or queues it when enough are running. With
   * `resumeRunDir`, continues that run from its checkpoint instead (same slots, same queue).
   */
  async request(experimentFile: string, resumeRunDir: string | null = null): Promise<RequestResult> {
    if (this.disposed) return { kind: 'refused', error: 'MedTransfer is shutting down' };
    const refusal = this.dependencies.refusal?.() ?? null;
    if (refusal !== null) return { kind: 'refused', error: refusal };
    if (resumeRunDir !== null && this.active.has(resumeRunDir))
      return { kind: 'refused', error: 'the run is already running' };
    const decision = this.queue.request(
      experimentFile,
      this.busyCount(),
      this.dependencies.maxConcurrent(),
      this.now(),
      resumeRunDir,
    );
    if (decision.kind !== 'start') {
      if (decision.kind === 'queued') this.queueEmitter.fire();
      return decision;
    }
    const error = await this.launch(experimentFile, resumeRunDir);
    return error === null ? decision : { kind: 'refused', error };
  }

  /** Stops the run in that folder (see TrainerProcess.stop). */
  stopRun(runDir: string): Promise<TrainerExit> | null {
    return this.active.get(runDir)?.process.stop() ?? null;
  }

  /** Cancels a queued run of the experiment; returns whether one waited. */
  cancelQueued(experimentFile: string): boolean {
    const cancelled = this.queue.cancel(experimentFile);
    if (cancelled) this.queueEmitter.fire();
    return cancelled;
  }

  /** Empties the queue and stops every run; settles when all have exited. */
  async stopAll(): Promise<void> {
    if (this.queue.clear().length > 0) this.queueEmitter.fire();
    await Promise.all(this.activeRuns.map((run) => run.process.stop()));
  }

  /** Starts queued runs if there is room (after the maximum was raised). */
  drainQueue(): void {
    if (this.disposed) return;
    const startable = this.queue.takeStartable(this.busyCount(), this.dependencies.maxConcurrent());
    if (startable.length === 0) return;
    this.queueEmitter.fire();
    for (const queued of startable) {
      void this.launch(queued.experimentFile, queued.resumeRunDir).then((error) => {
        if (error !== null) this.refusedEmitter.fire({ experimentFile: queued.experimentFile, error });
      });
    }
  }

  /**
   * Leaves every trainer running on its own (see TrainerProcess.detach) and forgets the queue:
   * what a window does when it reloads or closes. Returns the run folders left running.
   */
  detachAll(): string[] {
    this.disposed = true;
    if (this.queue.clear().length > 0) this.queueEmitter.fire();
    const detached: string[] = [];
    for (const run of this.active.values()) if (run.process.detach() !== null) detached.push(run.plan.runDir);
    this.active.clear();
    return detached;
  }

  /** Kills every trainer now (tree-kill): use stopAll() first to let them save. */
  dispose(): void {
    this.disposed = true;
    this.queue.clear();
    for (const run of this.active.values()) run.process.dispose();
    this.active.clear();
    this.disposables.dispose();
  }

  private busyCount(): number {
    return this.active.size + this.starting.length;
  }

  private now(): number {
    return this.dependencies.now?.() ?? Date.now();
  }

  /** Prepares and forks a run; returns why it could not, or null. */
  private async launch(experimentFile: string, resumeRunDir: string | null): Promise<string | null> {
    this.starting.push(experimentFile);
    this.queueEmitter.fire();
    let plan: LaunchPlan | { error: string };
    try {
      plan = await this.dependencies.prepare(experimentFile, resumeRunDir);
    } catch (error) {
      plan = { error: errorMessage(error) };
    }
    // Checked again at the fork: trust can be revoked while a run waits in the queue.
    const refusal = this.dependencies.refusal?.() ?? null;
    if (refusal !== null) plan = { error: refusal };
    else if (!('error' in plan) && this.active.has(plan.runDir)) plan = { error: 'the run is already running' };
    this.starting.splice(this.starting.indexOf(experimentFile), 1);
    this.queueEmitter.fire();
    if ('error' in plan || this.disposed) {
      this.drainQueue();
      return 'error' in plan ? plan.error : 'MedTransfer is shutting down';
    }
    const process = this.dependencies.createProcess(plan);
    const run: ActiveRun = { plan, process, startedAt: this.now() };
    this.active.set(plan.runDir, run);
    const subscriptions = new DisposableStore();
    subscriptions.add(process.onDidEvent((event) => this.eventEmitter.fire({ run, event })));
    subscriptions.add(process.onDidOutput((line) => this.outputEmitter.fire({ run, line })));
    subscriptions.add(process.onDidDropMessage((dropped) => this.droppedEmitter.fire({ run, dropped })));
    subscriptions.add(
      process.onDidExit((exit) => {
        subscriptions.dispose();
        this.active.delete(plan.runDir);
        this.endEmitter.fire({ run, exit, outcome: outcomeOfExit(exit) });
        process.dispose();
        this.drainQueue();
      }),
    );
    this.startEmitter.fire(run);
    process.start();
    return null;
  }
}
