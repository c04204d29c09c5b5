// The CLI's last words when a run fails or cannot start: the kind of failure in words, then the
// message, so that a terminal user sees at a glance whether to fix the data, the experiment, the
// batch size or the backend.
import { errorMessage } from '../../shared/errors/errorMessage';
import { errorKindLabel } from '../../shared/run/errorKind';
import type { ErrorKind } from '../../shared/run/errorKind';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { errorKindOf } from '../pipeline/errorKindOf';

/** `medtransfer: run failed (data problem): cut.npz: not a readable .npz … (see …/log.txt)` */
export function runFailedLine(result: { error: string | null; errorKind: ErrorKind | null }, logFile: string): string {
  const kind = kindInParentheses(result.errorKind);
  return `medtransfer: run failed${kind}: ${result.error ?? 'unknown error'} (see ${logFile})`;
}

/**
 * A failure before the run began (its backend would not start): the line to print and the exit
 * code, 4 when the backend is to blame (nothing ran, so no run-ended can say it).
 */
export function notStartedFailure(thrown: unknown, what: string): { line: string; exit: number } {
  const kind = errorKindOf(thrown);
  return {
    line: `medtransfer: ${what} did not start${kindInParentheses(kind)}: ${errorMessage(thrown)}`,
    exit: kind === 'backend' ? EXIT.backend : EXIT.failed,
  };
}

function kindInParentheses(kind: ErrorKind | null): string {
  return kind === null ? '' : ` (${errorKindLabel(kind)})`;
}
