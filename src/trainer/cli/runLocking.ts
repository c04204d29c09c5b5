// The CLI's commands that write a run hold its folder's lock meanwhile (shared/host/runLock.ts):
// a second trainer of the same run is refused before it writes anything.
import { acquireRunLock, describeLockHolder } from '../../shared/host/runLock';
import { EXIT } from '../../shared/run/trainerExitCodes';

/** `action`'s exit code, run under the lock; `refuse(why)`'s when another trainer holds it. */
export async function withRunLock(
  runDir: string,
  command: 'run' | 'resume',
  refuse: (why: string) => number,
  action: () => Promise<number>,
): Promise<number> {
  const attempt = acquireRunLock(runDir, command);
  if (attempt.kind === 'held') return refuse(describeLockHolder(attempt));
  try {
    return await action();
  } finally {
    attempt.lock.release();
  }
}

/** A new run folder that another trainer locked first (only a trainer pointed at it by hand could). */
export function lockRefused(runDir: string, why: string, output: { err: (text: string) => void }): number {
  output.err(`medtransfer: cannot run in ${runDir}: ${why}`);
  return EXIT.usage;
}
