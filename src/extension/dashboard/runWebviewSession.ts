// The host side of one webview showing runs (a dashboard panel or the Monitor view), with no
// `vscode` in it: the webview posts `ready`, gets a full snapshot (`did-load-runs`), then batched
// `did-append-events`. Every message from the webview is validated and only acts on the runs it
// shows. A snapshot and live events can race; events are buffered while a snapshot loads and
// only those newer than it are sent after it.
import type { TrainerEvent } from '../../shared/run/events';
import type { SaliencyFile } from '../../shared/run/saliency';
import { parseWebviewMessage } from '../../shared/webview/protocol';
import { previewUntrusted } from '../../shared/validation/untrustedInput';
import type { HostMessage, RunSnapshot, RunTable, WebviewMessage } from '../../shared/webview/protocol';
import type { AppendedEvents } from '../runs/runStore';
import { DisposableStore } from '../util/emitter';
import type { Disposable, Event } from '../util/emitter';
import { EventBatcher, LIVE_BATCH_MS, scheduleWithTimeout } from './eventBatcher';
import type { Schedule } from './eventBatcher';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface WebviewChannel {
  post(message: HostMessage): PromiseLike<boolean> | void;
  readonly onDidReceiveMessage: Event<unknown>;
}

export interface RunFeed {
  /** Snapshots of the runs that exist among `keys`, in that order. */
  snapshot(keys: readonly string[]): Promise<RunSnapshot[]>;
  readonly onDidAppendEvents: Event<AppendedEvents>;
  readonly onDidChangeControllable: Event<{ key: string; controllable: boolean }>;
  /** A run's saliency maps (dashboards only; the Monitor does not show them). */
  saliency?(key: string): Promise<SaliencyFile | null>;
}

export type RunAction = (key: string) => void | PromiseLike<void>;

export interface RunWebviewActions {
  stopRun: RunAction;
  revealRunFolder: RunAction;
  openDashboard: RunAction;
  /** Writes the run's report (dashboards only). */
  exportReport?: RunAction;
  /** Opens the Compare dashboard of these runs (experiments tables only). */
  compareRuns?: (keys: readonly string[]) => void | PromiseLike<void>;
}

export interface RunWebviewSessionOptions {
  channel: WebviewChannel;
  feed: RunFeed;
  actions: RunWebviewActions;
  log: (message: string) => void;
  keys: readonly string[];
  /** Set: the webview shows these runs as an experiments table (read again at each snapshot). */
  table?: () => RunTable;
  batchMs?: number;
  schedule?: Schedule;
}

export class RunWebviewSession implements Disposable {
  private keySet: Set<string>;
  private ready = false;
  private loading: Promise<void> | null = null;
  private generation = 0;
  /** Last `seq` the webview has, per run. */
  private readonly sentSeq = new Map<string, number>();
  /** Live events that arrived while a snapshot was loading. */
  private buffered: AppendedEvents[] = [];
  private readonly batcher: EventBatcher;
  private readonly disposables = new DisposableStore();

  constructor(private readonly options: RunWebviewSessionOptions) {
    this.keySet = new Set(options.keys);
    this.batcher = this.disposables.add(
      new EventBatcher(
        (key, events) => this.post({ type: 'did-append-events', key, events }),
        options.batchMs ?? LIVE_BATCH_MS,
        options.schedule ?? scheduleWithTimeout,
      ),
    );
    this.disposables.add(options.channel.onDidReceiveMessage((message) => this.receive(message)));
    this.disposables.add(options.feed.onDidAppendEvents((appended) => this.appended(appended)));
    this.disposables.add(
      options.feed.onDidChangeControllable(({ key, controllable }) => {
        if (this.ready && this.keySet.has(key)) this.post({ type: 'did-change-controllable', key, controllable });
      }),
    );
  }

  get keys(): string[] {
    return [...this.keySet];
  }

  /** Shows other runs (the Monitor following a new run); the webview gets a fresh snapshot. */
  setKeys(keys: readonly string[]): Promise<void> {
    this.keySet = new Set(keys);
    return this.ready ? this.reload() : Promise.resolve();
  }

  /** Sends a fresh snapshot (once the webview is ready). */
  reload(): Promise<void> {
    if (!this.ready) return Promise.resolve();
    const generation = ++this.generation;
    this.batcher.discard();
    this.buffered = [];
    const keys = this.keys;
    const loading = this.options.feed.snapshot(keys).then(
      (runs) => {
        if (generation !== this.generation) return;
        this.sentSeq.clear();
        for (const run of runs) this.sentSeq.set(run.key, run.events[run.events.length - 1]?.seq ?? -1);
        const table = this.options.table?.();
        this.post(table ? { type: 'did-load-runs', runs, table } : { type: 'did-load-runs', runs });
        for (const run of runs)
          if (run.events.some((event) => event.type === 'saliency')) void this.sendSaliency(run.key, generation);
        const buffered = this.buffered;
        this.buffered = [];
        this.loading = null;
        for (const appended of buffered) this.appended(appended);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.loading = null;
        this.options.log(`could not load runs for a webview: ${errorMessage(error)}`);
      },
    );
    this.loading = loading;
    return loading;
  }

  dispose(): void {
    this.generation++;
    this.disposables.dispose();
  }

  private appended(appended: AppendedEvents): void {
    if (!this.ready || !this.keySet.has(appended.key)) return;
    if (appended.restarted) {
      void this.reload();
      return;
    }
    if (this.loading) {
      this.buffered.push(appended);
      return;
    }
    let sent = this.sentSeq.get(appended.key) ?? -1;
    const fresh: TrainerEvent[] = [];
    for (const event of appended.events) {
      if (event.seq <= sent) continue;
      fresh.push(event);
      sent = event.seq;
    }
    if (fresh.length === 0) return;
    if (!this.sentSeq.has(appended.key)) {
      // A run the last snapshot did not have (its folder appeared since): load it whole.
      void this.reload();
      return;
    }
    this.sentSeq.set(appended.key, sent);
    this.batcher.add(appended.key, fresh);
    if (fresh.some((event) => event.type === 'saliency')) void this.sendSaliency(appended.key, this.generation);
  }

  private async sendSaliency(key: string, generation: number): Promise<void> {
    const load = this.options.feed.saliency;
    if (!load) return;
    try {
      const saliency = await load(key);
      if (saliency && generation === this.generation && this.keySet.has(key))
        this.post({ type: 'did-load-saliency', key, saliency });
    } catch (error) {
      this.options.log(`could not load the saliency maps of ${key}: ${errorMessage(error)}`);
    }
  }

  private receive(message: unknown): void {
    const parsed = parseWebviewMessage(message);
    if (!parsed.ok) {
      this.options.log(`ignored an invalid message from a webview (${parsed.reason}): ${previewUntrusted(message)}`);
      return;
    }
    void this.handle(parsed.message);
  }

  private async handle(message: WebviewMessage): Promise<void> {
    if (message.type === 'ready') {
      this.ready = true;
      await this.reload();
      return;
    }
    if (message.type === 'compare-runs') {
      await this.compare(message.keys);
      return;
    }
    if (!this.keySet.has(message.key)) {
      this.options.log(`ignored ${message.type} for a run this webview does not show`);
      return;
    }
    const action = {
      'stop-run': this.options.actions.stopRun,
      'reveal-run-folder': this.options.actions.revealRunFolder,
      'open-dashboard': this.options.actions.openDashboard,
      'export-report': this.options.actions.exportReport,
    }[message.type];
    if (!action) {
      this.options.log(`ignored ${message.type}: this webview does not offer it`);
      return;
    }
    try {
      await action(message.key);
    } catch (error) {
      this.options.log(`${message.type} failed: ${errorMessage(error)}`);
    }
  }

  private async compare(keys: readonly string[]): Promise<void> {
    const compareRuns = this.options.actions.compareRuns;
    if (!compareRuns) {
      this.options.log('ignored compare-runs: this webview does not offer it');
      return;
    }
    if (!keys.every((key) => this.keySet.has(key))) {
      this.options.log('ignored compare-runs naming a run this webview does not show');
      return;
    }
    try {
      await compareRuns([...new Set(keys)]);
    } catch (error) {
      this.options.log(`compare-runs failed: ${errorMessage(error)}`);
    }
  }

  private post(message: HostMessage): void {
    try {
      const result = this.options.channel.post(message);
      if (result) {
        result.then(undefined, (error: unknown) => this.options.log(`could not post to a webview: ${String(error)}`));
      }
    } catch (error) {
      // A disposed webview throws; the panel's own dispose handler cleans up.
      this.options.log(`could not post to a webview: ${errorMessage(error)}`);
    }
  }
}
