// Runs a callback for a key once its events have paused (the text of one file while the user
// types): each new event for the key restarts its wait; keys wait independently.
import type { Disposable } from './emitter';

export class DebouncePerKey implements Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  schedule(key: string, callback: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        callback();
      }, this.delayMs),
    );
  }

  dispose(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }
}
