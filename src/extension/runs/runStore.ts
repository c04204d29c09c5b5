// Every run this window knows of, keyed by its folder: the state folded from its events.jsonl
// (read incrementally) and from the live IPC events of runs started here. Both sources are
// complete and ordered, so keeping only events newer than the last applied `seq` merges them
// without gaps or doubles.
import { join } from 'node:path';
import type { TrainerEvent } from '../../shared/run/events';
import { RUN_FILES } from '../../shared/run/runFiles';
import { emptyRunState, reduceRunEvent } from '../../shared/run/runState';
import type { RunState } from '../../shared/run/runState';
import { DisposableStore, Emitter } from '../util/emitter';
import type { Disposable, Event } from '../util/emitter';
import { EventsFileReader } from './eventsFileReader';
import type { EventsRead } from './eventsFileReader';
import { describeRunDir } from './runPaths';
import { counted, plural } from '../../shared/text/plural';

export interface RunRecord {
  /** The run folder's path: the key every view and message uses. */
  readonly key: string;
  readonly runDir: string;
  readonly experimentName: string;
  readonly runId: string;
  readonly state: RunState;
  /** Started by this window and still running, so it can be stopped from here. */
  readonly controllable: boolean;
  /** No run-ended, and its trainer is gone (runs/runLiveness.ts): the views show it interrupted. */
  readonly trainerGone: boolean;
  /** When its latest event was written (ms since epoch), or null before any. */
  readonly lastEventAt: number | null;
  /** The latest events (at most RECENT_EVENTS), to fill the gap between a file read and live ones. */
  readonly recentEvents: readonly TrainerEvent[];
}

const RECENT_EVENTS = 500;

export interface RunChange {
  key: string;
  kind: 'added' | 'changed' | 'removed';
}

export interface AppendedEvents {
  key: string;
  events: TrainerEvent[];
  /** The file was rewritten: views should reload the run instead of appending. */
  restarted: boolean;
}

interface MutableRecord {
  key: string;
  runDir: string;
  experimentName: string;
  runId: string;
  state: RunState;
  controllable: boolean;
  trainerGone: boolean;
  lastEventAt: number | null;
  recentEvents: TrainerEvent[];
  reader: EventsFileReader;
}

export interface RunStoreDependencies {
  log: (message: string) => void;
}

export class RunStore implements Disposable {
  private readonly records = new Map<string, MutableRecord>();
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new Emitter<RunChange>());
  private readonly appendEmitter = this.disposables.add(new Emitter<AppendedEvents>());
  private readonly controllableEmitter = this.disposables.add(new Emitter<{ key: string; controllable: boolean }>());

  readonly onDidChangeRun: Event<RunChange> = this.changeEmitter.event;
  readonly onDidAppendEvents: Event<AppendedEvents> = this.appendEmitter.event;
  readonly onDidChangeControllable: Event<{ key: string; controllable: boolean }> = this.controllableEmitter.event;

  constructor(private readonly dependencies: RunStoreDependencies) {}

  get(key: string): RunRecord | undefined {
    return this.records.get(key);
  }

  all(): RunRecord[] {
    return [...this.records.values()];
  }

  has(key: string): boolean {
    return this.records.has(key);
  }

  /** Adds a run folder (found on disk or being started here) if it is new; returns its record. */
  ensure(runDir: string): RunRecord {
    const existing = this.records.get(runDir);
    if (existing) return existing;
    const { experimentName, runId } = describeRunDir(runDir);
    const record: MutableRecord = {
      key: runDir,
      runDir,
      experimentName,
      runId,
      state: emptyRunState(),
      controllable: false,
      trainerGone: false,
      lastEventAt: null,
      recentEvents: [],
      reader: new EventsFileReader(join(runDir, RUN_FILES.events), (read) => this.applyRead(runDir, read)),
    };
    this.records.set(runDir, record);
    this.changeEmitter.fire({ key: runDir, kind: 'added' });
    return record;
  }

  /**
   * The run's slurm-job.json changed (a submitted run cancelled or failed before its trainer
   * started): nothing in its events did, but how it is shown may have.
   */
  jobChanged(key: string): void {
    if (this.records.has(key)) this.changeEmitter.fire({ key, kind: 'changed' });
  }

  /** Reads what was appended to the run's events.jsonl. */
  refresh(key: string): Promise<void> {
    return this.records.get(key)?.reader.readNew() ?? Promise.resolve();
  }

  /** Applies live events (from IPC, or the host's own record of an end). */
  append(key: string, events: readonly TrainerEvent[]): void {
    const record = this.records.get(key);
    if (record) this.apply(record, events, false);
  }

  setControllable(key: string, controllable: boolean): void {
    const record = this.records.get(key);
    if (!record || record.controllable === controllable) return;
    record.controllable = controllable;
    this.controllableEmitter.fire({ key, controllable });
    this.changeEmitter.fire({ key, kind: 'changed' });
  }

  /** Marks a run whose trainer is gone without run-ended; the webviews reload it to show so. */
  setTrainerGone(key: string, gone: boolean): void {
    const record = this.records.get(key);
    if (!record || record.trainerGone === gone) return;
    record.trainerGone = gone;
    this.appendEmitter.fire({ key, events: [], restarted: true });
    this.changeEmitter.fire({ key, kind: 'changed' });
  }

  remove(key: string): void {
    if (!this.records.delete(key)) return;
    this.changeEmitter.fire({ key, kind: 'removed' });
  }

  dispose(): void {
    this.records.clear();
    this.disposables.dispose();
  }

  private applyRead(key: string, read: EventsRead): void {
    const record = this.records.get(key);
    if (!record) return;
    if (read.invalidLines.length > 0) {
      this.dependencies.log(
        `${record.reader.path}: ignored ${counted(read.invalidLines.length, 'line')} that ` +
          `${plural(read.invalidLines.length, 'is not a valid event', 'are not valid events')} ` +
          `(line ${read.invalidLines.slice(0, 5).join(', ')}${read.invalidLines.length > 5 ? ', …' : ''})`,
      );
    }
    if (read.restarted) {
      record.state = emptyRunState();
      record.lastEventAt = null;
      record.recentEvents = [];
    }
    this.apply(record, read.events, read.restarted);
  }

  private apply(record: MutableRecord, events: readonly TrainerEvent[], restarted: boolean): void {
    const fresh: TrainerEvent[] = [];
    let state = record.state;
    for (const event of events) {
      if (event.seq <= state.lastSeq) continue;
      state = reduceRunEvent(state, event);
      fresh.push(event);
    }
    if (fresh.length === 0 && !restarted) return;
    record.state = state;
    const last = fresh[fresh.length - 1];
    if (last) record.lastEventAt = Date.parse(last.time) || Date.now();
    record.recentEvents = [...record.recentEvents, ...fresh].slice(-RECENT_EVENTS);
    this.appendEmitter.fire({ key: record.key, events: fresh, restarted });
    this.changeEmitter.fire({ key: record.key, kind: 'changed' });
  }
}
