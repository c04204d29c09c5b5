// slurm-job.json in a run or study folder: read as untrusted, written atomically.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { RUN_FILES } from '../../shared/run/runFiles';
import { parseSlurmJobFile } from '../../shared/run/slurmJob';
import type { SlurmJobFile } from '../../shared/run/slurmJob';

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
