// Hands a job script to sbatch and reads its job id; a refusal becomes one plain sentence that
// keeps sbatch's own words (an unknown partition, a refused account, a limit).
import type { SbatchRequest } from '../../shared/run/slurmJob';
import { runSlurmTool } from './slurmTools';

export type Submission = { ok: true; jobId: string } | { ok: false; message: string };

/**
 * `sbatch --parsable --output=OUTPUT --open-mode=append [ARGS] SCRIPT`. OUTPUT is sbatch's
 * filename pattern: a literal `%` is written `%%`, and `%a` (the array index) is kept when asked.
 */
export function sbatchSubmit(
  script: string,
  output: { path: string; arrayIndexPattern?: string },
  args: readonly string[],
  request: SbatchRequest,
): Submission {
  const pattern = output.path.replaceAll('%', '%%') + (output.arrayIndexPattern ?? '');
  const result = runSlurmTool('sbatch', ['--parsable', `--output=${pattern}`, '--open-mode=append', ...args, script]);
  const jobId = /^(\d+)(;\S+)?\s*$/.exec(result.stdout.trim())?.[1];
  if (result.code === 0 && jobId !== undefined) return { ok: true, jobId };
  return { ok: false, message: sbatchRefusal(result.stderr || result.stdout, request) };
}

export function sbatchRefusal(said: string, request: SbatchRequest): string {
  const words =
    said
      .split('\n')
      .map((line) => line.replace(/^sbatch: error: /, '').trim())
      .filter((line) => line !== '')
      .join('; ') || '(nothing)';
  if (/invalid partition/i.test(words)) {
    const known = partitionNames();
    const partition = request.partition ?? '(the default)';
    const listed = known.length > 0 ? ` (its partitions: ${known.join(', ')})` : '';
    return `SLURM has no partition \`${partition}\`${listed}; sbatch said: ${words}`;
  }
  if (/account|association/i.test(words))
    return `SLURM refused the account \`${request.account ?? '(your default)'}\`; sbatch said: ${words}`;
  if (/limit|qos|node configuration|memory|not available|too many/i.test(words))
    return `SLURM refused the job under one of its limits; sbatch said: ${words}`;
  return `sbatch refused the job; it said: ${words}`;
}

function partitionNames(): string[] {
  try {
    const result = runSlurmTool('sinfo', ['-h', '-o', '%R'], 10_000);
    return [...new Set(result.stdout.split('\n').map((line) => line.trim()))].filter((name) => name !== '').sort();
  } catch {
    return [];
  }
}
