// Collects live events per run and hands them on in batches, at most once per interval, so a
// fast trainer (a batch-ended event every few milliseconds) costs a webview ~10 messages a second.
import type { TrainerEvent } from '../../shared/run/events';
import type { Disposable } from '../util/emitter';

export type Schedule = (callback: () => void, ms: number) => Disposable;

export const scheduleWithTimeout: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return { dispose: () => clearTimeout(timer) };
};

export const LIVE_BATCH_MS = 100;

export class EventBatcher implements Disposable {
  private readonly pending = new Map<string, TrainerEvent[]>();
  private timer: Disposable | null = null;

  constructor(
    private readonly flushTo: (key: string, events: TrainerEvent[]) => void,
    private readonly intervalMs = LIVE_BATCH_MS,
    private readonly schedule: Schedule = scheduleWithTimeout,
  ) {}

  add(key: string, events: readonly TrainerEvent[]): void {
    if (events.length === 0) return;
    const list = this.pending.get(key);
    if (list) list.push(...events);
    else this.pending.set(key, [...events]);
    this.timer ??= this.schedule(() => {
      this.timer = null;
      this.flush();
    }, this.intervalMs);
  }

  /** Hands on everything pending now. */
  flush(): void {
    this.timer?.dispose();
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [key, events] of batches) this.flushTo(key, events);
  }

  /** Forgets what is pending (the view is about to get a fresh snapshot). */
  discard(key?: string): void {
    if (key === undefined) this.pending.clear();
    else this.pending.delete(key);
  }

  dispose(): void {
    this.timer?.dispose();
    this.timer = null;
    this.pending.clear();
  }
}
