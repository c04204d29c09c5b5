// Asks SLURM where a job stands: squeue while it is queued or runs (and a few minutes after, with
// its reason), sacct once it ended (its final state, exit code and node).
import { slurmJobState } from '../../shared/run/slurmJobEnd';
import type { SlurmJobState } from '../../shared/run/slurmJobEnd';
import { runSlurmTool } from './slurmTools';

export function querySlurmJob(jobId: string): SlurmJobState {
  const queued = runSlurmTool('squeue', ['-h', '-t', 'all', '-j', jobId, '-o', '%T|%r|%N']);
  const line = queued.code === 0 ? queued.stdout.split('\n').find((text) => text.trim() !== '') : undefined;
  if (line !== undefined) {
    const [state = '', reason = '', node = ''] = line.trim().split('|');
    const seen = slurmJobState(state, { reason, node });
    if (seen.kind !== 'ended') return seen;
  }
  const accounted = runSlurmTool('sacct', ['-n', '-X', '-P', '-j', jobId, '-o', 'JobID,State,ExitCode,NodeList']);
  const rows = accounted.code === 0 ? accounted.stdout.split('\n').filter((text) => text.trim() !== '') : [];
  // The job's own row (an array's sacct may list its other tasks too); the last is its latest requeue.
  const row = rows
    .map((text) => text.trim().split('|'))
    .filter(([id]) => id === jobId)
    .at(-1);
  if (row !== undefined) {
    const [, state = '', exitCode = '', node = ''] = row;
    return slurmJobState(state, { exitCode, node });
  }
  if (line !== undefined) {
    const [state = '', reason = '', node = ''] = line.trim().split('|');
    return slurmJobState(state, { reason, node });
  }
  return { kind: 'unknown' };
}
