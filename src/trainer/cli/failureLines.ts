// The CLI's last words when a run fails or cannot start. A failed run's line names the kind of
// failure before the message, so that a terminal user sees at a glance whether to fix the data,
// the experiment, the batch size or the backend; a run that could not start says so by its exit
// code (4: the backend), as nothing ran to write a run-ended.
import { errorMessage } from '../../shared/errors/errorMessage';
import { errorKindLabel } from '../../shared/run/errorKind';
import type { ErrorKind } from '../../shared/run/errorKind';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { errorKindOf } from '../pipeline/errorKindOf';

/** `medtransfer: run failed (data problem): cut.npz: not a readable .npz … (see …/log.txt)` */
export function runFailedLine(result: { error: string | null; errorKind: ErrorKind | null }, logFile: string): string {
  const kind = result.errorKind === null ? '' : ` (${errorKindLabel(result.errorKind)})`;
  return `medtransfer: run failed${kind}: ${result.error ?? 'unknown error'} (see ${logFile})`;
}

/** A backend that would not start: its message (what to install or choose) and exit code 4. */
export function notStartedFailure(thrown: unknown): { line: string; exit: number } {
  return {
    line: `medtransfer: ${errorMessage(thrown)}`,
    exit: errorKindOf(thrown) === 'backend' ? EXIT.backend : EXIT.failed,
  };
}
