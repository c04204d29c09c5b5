// Facts about a run folder on disk that the views need synchronously.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';

/** Whether the run folder has a checkpoint to resume from (the trainer replaces it atomically). */
export function hasCheckpoint(runDir: string): boolean {
  return existsSync(join(runDir, RUN_FILES.checkpoint));
}
