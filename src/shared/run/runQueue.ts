// Queueing rules for runs started from a window (src/extension/trainer/runLauncher.ts) and for a
// study's runs (src/trainer/study/runStudy.ts): at most `maxConcurrent` trainers at once,
// the rest wait first-in first-out and start as others end. One experiment file waits in the
// queue at most once as a new run, and each run folder at most once as a resume (asking twice
// is a double click, not two runs).

export interface QueuedRun {
  /** The experiment file's path. */
  experimentFile: string;
  /** When it was asked for (ms since epoch), to show how long it has waited. */
  requestedAt: number;
  /** The run folder to resume from its checkpoint, or null for a new run. */
  resumeRunDir: string | null;
}

export type EnqueueResult =
  { kind: 'start' } | { kind: 'queued'; position: number } | { kind: 'already-queued'; position: number };

export function normalizeMaxConcurrent(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}

export class RunQueue {
  private readonly waiting: QueuedRun[] = [];

  get items(): readonly QueuedRun[] {
    return this.waiting;
  }

  /** Decides whether a requested run starts now or waits; a run that waits is added here. */
  request(
    experimentFile: string,
    runningCount: number,
    maxConcurrent: number,
    now: number,
    resumeRunDir: string | null = null,
  ): EnqueueResult {
    const index = this.waiting.findIndex(
      (run) => run.experimentFile === experimentFile && run.resumeRunDir === resumeRunDir,
    );
    if (index !== -1) return { kind: 'already-queued', position: index + 1 };
    if (this.waiting.length === 0 && runningCount < normalizeMaxConcurrent(maxConcurrent)) return { kind: 'start' };
    this.waiting.push({ experimentFile, requestedAt: now, resumeRunDir });
    return { kind: 'queued', position: this.waiting.length };
  }

  /** Takes the runs that may start now, given how many are running. */
  takeStartable(runningCount: number, maxConcurrent: number): QueuedRun[] {
    const free = Math.max(0, normalizeMaxConcurrent(maxConcurrent) - runningCount);
    return this.waiting.splice(0, free);
  }

  /** 1-based position of an experiment file in the queue, or null. */
  positionOf(experimentFile: string): number | null {
    const index = this.waiting.findIndex((run) => run.experimentFile === experimentFile);
    return index === -1 ? null : index + 1;
  }

  cancel(experimentFile: string): boolean {
    const index = this.waiting.findIndex((run) => run.experimentFile === experimentFile);
    if (index === -1) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  clear(): QueuedRun[] {
    return this.waiting.splice(0, this.waiting.length);
  }
}
