// Runs this window did not start but whose events have no run-ended: a trainer left running by
// a window that reloaded or closed, one started in a terminal, or one that died (SIGKILL, power
// loss). Each is judged as `medtransfer report` and `medtransfer resume` judge it
// (shared/host/trainerPresence.ts, then shared/run/runStatus.ts): a live trainer of that run is
// `attached` (shown running, updated by the runs watcher, stoppable with SIGTERM); a gone one is
// `dead` (shown interrupted, Resume offered); one that cannot be checked from here (another
// machine, and the run wrote an event in the last minute) stays `unknown`. No `vscode` here.
import type { RunState } from '../../shared/run/runState';
import { decideRunStatus } from '../../shared/run/runStatus';
import { QUIET_BEFORE_GONE_MS, trainerPresenceOf } from '../../shared/host/trainerPresence';
import { DisposableStore, Emitter } from '../util/emitter';
import type { Disposable, Event } from '../util/emitter';
import type { TrainerLiveness } from './resumable';
import type { RunRecord, RunStore } from './runStore';
import { checkTrainerOfRun, expectedTrainerOf } from '../../shared/host/trainerOfRun';
import type { ExpectedTrainer, TrainerCheck } from '../../shared/host/trainerOfRun';
import type { TrainerPresenceInput } from '../../shared/host/trainerPresence';

export interface RunLivenessDependencies {
  store: Pick<RunStore, 'all' | 'get' | 'refresh' | 'setControllable' | 'setTrainerGone' | 'onDidChangeRun'>;
  /** Whether this window's launcher runs it (its own child: the launcher knows best). */
  isOwn: (key: string) => boolean;
  check?: (pid: number, expected: ExpectedTrainer) => TrainerCheck;
  /** What a run's trainer machine is to this one (shared/host/thisHost.ts by default). */
  relation?: TrainerPresenceInput['relation'];
  /** Sends a signal to a pid (process.kill by default). */
  signal?: (pid: number, signal: NodeJS.Signals) => void;
  intervalMs?: number;
  /** A dead pid counts as dead only once its run has been quiet this long (ms). */
  quietMs?: number;
  now?: () => number;
}

export const LIVENESS_POLL_MS = 2_000;
export const QUIET_BEFORE_INTERRUPTED_MS = QUIET_BEFORE_GONE_MS;

export class RunLiveness implements Disposable {
  private readonly liveness = new Map<string, TrainerLiveness>();
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new Emitter<string>());
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  /** A run's liveness changed (key). */
  readonly onDidChange: Event<string> = this.changeEmitter.event;

  constructor(private readonly dependencies: RunLivenessDependencies) {
    this.disposables.add(
      dependencies.store.onDidChangeRun(({ key, kind }) => {
        if (kind === 'removed') this.liveness.delete(key);
        else if (!this.liveness.has(key)) void this.checkAll();
      }),
    );
    this.timer = setInterval(() => void this.checkAll(), dependencies.intervalMs ?? LIVENESS_POLL_MS);
    this.timer.unref?.();
  }

  /** What this window knows of the run's trainer; `dead` for a run that ended. */
  of(record: Pick<RunRecord, 'key' | 'state'>): TrainerLiveness {
    if (this.dependencies.isOwn(record.key)) return 'own';
    if (record.state.status !== 'running') return 'dead';
    return this.liveness.get(record.key) ?? 'unknown';
  }

  /** The state the views show: a run whose trainer is gone without run-ended reads `interrupted`. */
  displayState(record: Pick<RunRecord, 'key' | 'state'>): RunState {
    const liveness = this.of(record);
    return decideRunStatus(record.state, liveness === 'dead' ? 'gone' : liveness === 'unknown' ? 'unknown' : 'alive');
  }

  /** Checks every run that reads as running and is not this window's child. */
  checkAll(): Promise<void> {
    this.checking ??= this.runChecks().finally(() => (this.checking = null));
    return this.checking;
  }

  /**
   * Stops a reattached run the way the trainer expects from a terminal: SIGTERM, after which it
   * ends its batch, saves and writes run-ended. Only after checking again that the pid is still
   * that run's trainer (a pid is never signalled on the strength of an old event).
   */
  stop(key: string): boolean {
    const record = this.dependencies.store.get(key);
    if (!record || this.of(record) !== 'attached' || record.state.pid === null) return false;
    if (this.check(record) !== 'our-trainer') {
      void this.checkAll();
      return false;
    }
    (this.dependencies.signal ?? ((pid, signal) => process.kill(pid, signal)))(record.state.pid, 'SIGTERM');
    return true;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.disposables.dispose();
  }

  private async runChecks(): Promise<void> {
    const { store } = this.dependencies;
    for (const record of store.all()) {
      if (record.state.status !== 'running' || this.dependencies.isOwn(record.key)) {
        const was = this.liveness.get(record.key);
        if (was === undefined) continue;
        this.liveness.delete(record.key);
        // It ended: no longer stoppable from here (a run this window started is the launcher's).
        if (was === 'attached' && !this.dependencies.isOwn(record.key)) store.setControllable(record.key, false);
        store.setTrainerGone(record.key, false);
        this.changeEmitter.fire(record.key);
        continue;
      }
      let next = this.judge(record);
      if (next === 'dead') {
        // Its last words may not have been read yet (run-ended written just before it exited).
        await store.refresh(record.key);
        const fresh = store.get(record.key);
        if (!fresh || fresh.state.status !== 'running') next = 'dead';
      }
      this.set(record.key, next);
    }
  }

  private judge(record: RunRecord): TrainerLiveness {
    const presence = trainerPresenceOf({
      state: record.state,
      runDir: record.runDir,
      lastEventAt: record.lastEventAt,
      now: this.dependencies.now?.(),
      quietMs: this.dependencies.quietMs,
      check: (pid, expected) => (this.dependencies.check ?? checkTrainerOfRun)(pid, expected),
      relation: this.dependencies.relation,
    });
    return presence === 'alive' ? 'attached' : presence === 'gone' ? 'dead' : 'unknown';
  }

  private check(record: RunRecord): TrainerCheck {
    const trainer = expectedTrainerOf({ ...record.state, runId: record.state.runId ?? record.runId }, record.runDir);
    if (trainer === null) return 'dead';
    return (this.dependencies.check ?? checkTrainerOfRun)(trainer.pid, trainer.expected);
  }

  private set(key: string, liveness: TrainerLiveness): void {
    if (this.liveness.get(key) === liveness) return;
    this.liveness.set(key, liveness);
    // A reattached run can be stopped from here (with SIGTERM), like one this window started.
    this.dependencies.store.setControllable(key, liveness === 'attached');
    this.dependencies.store.setTrainerGone(key, liveness === 'dead');
    this.changeEmitter.fire(key);
  }
}
