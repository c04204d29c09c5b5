// A tiny typed event emitter shaped like vscode's `Event<T>`/`Disposable`, so the pure and
// process-level parts of the extension (and their tests) never import `vscode`, yet their
// events and disposables drop straight into vscode's subscription lists.

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

/** Subscribes a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: Listener<T>) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners: Set<Listener<T>> | null = new Set();

  readonly event: Event<T> = (listener) => {
    this.listeners?.add(listener);
    return { dispose: () => this.listeners?.delete(listener) };
  };

  fire(value: T): void {
    // A copy, so a listener that unsubscribes (or subscribes) while firing does not skip others.
    for (const listener of [...(this.listeners ?? [])]) {
      try {
        listener(value);
      } catch (error) {
        // One broken listener must not stop the others (vscode's Emitter does the same).
        console.error('MedTransfer: an event listener threw', error);
      }
    }
  }

  dispose(): void {
    this.listeners?.clear();
    this.listeners = null;
  }
}

/** Disposes what it holds, newest first, once. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.reverse()) {
      try {
        item.dispose();
      } catch (error) {
        console.error('MedTransfer: dispose threw', error);
      }
    }
    this.items = [];
  }
}

export function toDisposable(dispose: () => void): Disposable {
  return { dispose };
}
