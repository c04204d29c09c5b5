// slurm-job.json in a run or study folder (`medtransfer submit`): read as untrusted, written
// atomically; read by the CLI and by the extension (a queued run has no events yet).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomicFiles';
import { RUN_FILES } from '../run/runFiles';
import { parseSlurmJobFile } from '../run/slurmJob';
import type { SlurmJobFile } from '../run/slurmJob';

export function readSlurmJobFile(folder: string): SlurmJobFile | null {
  try {
    return parseSlurmJobFile(readFileSync(join(folder, RUN_FILES.slurmJob), 'utf8'));
  } catch {
    return null;
  }
}

export function writeSlurmJobFile(folder: string, job: SlurmJobFile): void {
  writeFileAtomically(join(folder, RUN_FILES.slurmJob), `${JSON.stringify(job, null, 2)}\n`);
}
