// A new run folder for `run` and `submit`, or, where it cannot be made, the one line they print.
import { errorMessage } from '../../shared/errors/errorMessage';
import { createRunDirectory } from '../run/runDirectory';
import type { Output } from './commands';

/** The run folder, or null after saying why it could not be made. */
export function newRunDirectory(
  runsDir: string,
  experimentName: string,
  runId: string | null,
  output: Output,
): { runId: string; runDir: string } | null {
  try {
    return createRunDirectory(runsDir, experimentName, runId);
  } catch (error) {
    output.err(`medtransfer: cannot create the run directory: ${errorMessage(error)}`);
    return null;
  }
}
