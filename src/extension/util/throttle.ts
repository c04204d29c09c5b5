// Runs a callback at most once per interval (trailing), for UI refreshes driven by fast events.
import type { Disposable } from './emitter';

export interface Throttled extends Disposable {
  (): void;
}

export function throttle(callback: () => void, intervalMs: number): Throttled {
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;
  const throttled = (() => {
    if (timer !== null || disposed) return;
    timer = setTimeout(() => {
      timer = null;
      if (!disposed) callback();
    }, intervalMs);
  }) as Throttled;
  throttled.dispose = () => {
    disposed = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return throttled;
}
