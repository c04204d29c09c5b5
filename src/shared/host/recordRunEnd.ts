// When a trainer dies without writing `run-ended` (killed, crashed, out of memory), the extension
// host appends one for it (as `medtransfer status` does for a SLURM job that sacct says ended), so
// the run folder (the source of truth) no longer reads as running to every later reader: a
// reloaded window, the CLI, another machine.
import { existsSync } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEndedEvent } from '../../shared/run/events';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { RunState } from '../../shared/run/runState';

/**
 * The `run-ended` event the trainer would have written, continuing its sequence: how the host saw
 * it end (`interrupted` for a child killed from outside, with errorKind `interrupted`).
 */
export function hostRunEndedEvent(
  state: Pick<RunState, 'lastSeq' | 'startedAt'>,
  end: Pick<RunEndedEvent, 'status' | 'error' | 'errorKind'>,
  now: Date,
): RunEndedEvent {
  const started = state.startedAt === null ? NaN : Date.parse(state.startedAt);
  const seconds = Number.isFinite(started) ? Math.max(0, (now.getTime() - started) / 1000) : 0;
  return {
    type: 'run-ended',
    seq: state.lastSeq + 1,
    time: now.toISOString(),
    status: end.status,
    error: end.error,
    errorKind: end.errorKind,
    seconds,
  };
}

/** Appends the event to the run's events.jsonl, after a newline if the last line was torn. Needs the run folder. */
export async function appendEventToRun(runDir: string, event: RunEndedEvent): Promise<boolean> {
  if (!existsSync(runDir)) return false;
  const path = join(runDir, RUN_FILES.events);
  let prefix = '';
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
    } finally {
      await handle.close();
    }
  } catch {
    // No events.jsonl yet: the run died before its first event; start the file.
  }
  await appendFile(path, `${prefix}${JSON.stringify(event)}\n`);
  return true;
}
