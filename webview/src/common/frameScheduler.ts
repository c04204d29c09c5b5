// Coalesces re-renders: live events can arrive many times a second, the view redraws at most
// once a frame (and not at all while the webview is hidden, when frames are paused).
export interface FrameScheduler {
  schedule(): void;
  /** Renders now if a frame is pending (tests, and before saving state). */
  flush(): void;
}

export function createFrameScheduler(render: () => void): FrameScheduler {
  let pending: number | null = null;
  const run = (): void => {
    pending = null;
    render();
  };
  return {
    schedule() {
      if (pending === null) pending = requestAnimationFrame(run);
    },
    flush() {
      if (pending === null) return;
      cancelAnimationFrame(pending);
      run();
    },
  };
}
