// `medtransfer cancel PATH…`: scancel for a submitted run (its job) or a study (its whole job
// array). SLURM sends the trainer SIGTERM: it stops after the current batch and saves, as with
// Ctrl-C, and `medtransfer submit RUN_DIR` continues it later.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { readSlurmJobFile, writeSlurmJobFile } from '../../shared/host/slurmJobFile';
import { runSlurmTool, SlurmToolMissing } from '../executor/slurmTools';
import type { Output } from './commands';

export function cancelCommand(paths: readonly string[], output: Output): number {
  let exit: number = EXIT.ok;
  for (const path of paths.map((given) => resolve(given))) {
    const job = readSlurmJobFile(path);
    if (job === null) {
      output.err(`medtransfer: ${path} holds no submitted job (no slurm-job.json)`);
      exit = EXIT.usage;
      continue;
    }
    try {
      const result = runSlurmTool('scancel', [job.jobId]);
      if (result.code !== 0) {
        output.err(`medtransfer: scancel ${job.jobId} failed: ${result.stderr.trim() || `exit code ${result.code}`}`);
        exit = EXIT.failed;
      } else {
        output.err(`medtransfer: cancelled SLURM job ${job.jobId} (${path})`);
        // A queued run has no events to say it will never start: its job record says it.
        if (job.run !== null && !existsSync(join(path, RUN_FILES.events)))
          writeSlurmJobFile(path, {
            ...job,
            endedBeforeStart: `SLURM job ${job.jobId} was cancelled before it started`,
          });
      }
    } catch (error) {
      if (!(error instanceof SlurmToolMissing)) throw error;
      output.err(`medtransfer: ${error.message}`);
      return EXIT.usage;
    }
  }
  return exit;
}
