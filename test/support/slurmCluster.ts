// The real one-node SLURM cluster the submit tests run their jobs on, started (idempotently) by
// ../shared/tools/start-slurm-cluster.sh, which CI's .ci/run also calls. Jobs run on this
// machine's CPUs: the tests keep them tiny and submit one at a time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseSlurmJobFile } from '../../src/shared/run/slurmJob';
import type { SlurmJobFile } from '../../src/shared/run/slurmJob';
import { readFileSync } from 'node:fs';
import { repoRoot } from './paths';

export const startClusterScript = join(repoRoot, '..', 'shared', 'tools', 'start-slurm-cluster.sh');

let started: string | false | null = null;

/** Starts the cluster once per test process; the reason it cannot, or false when it is up. */
export function slurmClusterMissing(): string | false {
  if (started !== null) return started;
  if (!existsSync(startClusterScript)) started = `no ${startClusterScript}`;
  else if (process.getuid?.() !== 0) started = 'starting the SLURM test cluster needs root';
  else {
    const result = spawnSync('bash', [startClusterScript], { encoding: 'utf8', timeout: 240_000 });
    started = result.status === 0 ? false : `the SLURM test cluster did not start: ${result.stderr.trim().slice(-400)}`;
  }
  return started;
}

export function readJobFile(folder: string): SlurmJobFile {
  const job = parseSlurmJobFile(readFileSync(join(folder, 'slurm-job.json'), 'utf8'));
  if (job === null) throw new Error(`${folder}/slurm-job.json is not a job record`);
  return job;
}

/** sacct's final state of a job (`COMPLETED`, `CANCELLED by 0`…), or null before it knows the job. */
export function sacctState(jobId: string): string | null {
  const result = spawnSync('sacct', ['-n', '-X', '-P', '-j', jobId, '-o', 'JobID,State'], { encoding: 'utf8' });
  const row = result.stdout
    .split('\n')
    .map((line) => line.trim().split('|'))
    .find(([id]) => id === jobId);
  return row?.[1] ?? null;
}
