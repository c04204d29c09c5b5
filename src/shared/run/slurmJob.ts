// A run that SLURM runs: the job it ran in, recorded in run-started and run-resumed, and the
// submission record (slurm-job.json) that `medtransfer submit` writes into the run folder before
// the job starts, so that a pending run has a folder every reader can find (its events.jsonl only
// appears when the trainer starts). Older readers ignore both: they are optional additions.
import { z } from 'zod';

/** The SLURM job a trainer ran in, from its environment (SLURM_JOB_ID, SLURM_ARRAY_*, SLURMD_NODENAME). */
export const slurmRunRefSchema = z.object({
  jobId: z.string(),
  /** The array's job id and this run's index in it; null outside an array (a study's runs are one array). */
  arrayJobId: z.string().nullable(),
  arrayTaskId: z.number().int().nonnegative().nullable(),
  node: z.string().nullable(),
});
export type SlurmRunRef = z.infer<typeof slurmRunRefSchema>;

/** What was asked of sbatch (never written into the experiment file, which stays portable). */
export const sbatchRequestSchema = z.object({
  partition: z.string().nullable(),
  time: z.string().nullable(),
  cpus: z.number().int().positive().nullable(),
  gpus: z.string().nullable(),
  mem: z.string().nullable(),
  account: z.string().nullable(),
  qos: z.string().nullable(),
  extra: z.array(z.string()),
  requeue: z.boolean(),
  /** Seconds before the time limit at which the trainer is told to save and stop (sbatch --signal). */
  signalLeadSeconds: z.number().int().nonnegative(),
});
export type SbatchRequest = z.infer<typeof sbatchRequestSchema>;

/** What the job runs: enough to write job.sh again for a resubmission. */
export const runJobSchema = z.object({
  experimentFile: z.string(),
  experimentName: z.string(),
  runsDir: z.string(),
  runId: z.string(),
  backend: z.string().nullable(),
  study: z.object({ file: z.string(), point: z.string(), seed: z.number().int().nonnegative() }).nullable(),
});
export type RunJobSpec = z.infer<typeof runJobSchema>;

export const SLURM_JOB_FORMAT = 'medtransfer-slurm-job/1';

export const slurmJobFileSchema = z.object({
  format: z.literal(SLURM_JOB_FORMAT),
  /** The job to ask squeue and sacct about: `123`, or `123_4` for a task of an array. */
  jobId: z.string(),
  arrayJobId: z.string().nullable(),
  arrayTaskId: z.number().int().nonnegative().nullable(),
  submittedAt: z.string(),
  /** What the job does first: start the run, or resume it from its checkpoint. */
  command: z.enum(['run', 'resume']),
  sbatch: sbatchRequestSchema,
  /** Jobs this run ran in before (resubmitted after a stop, a failure or a time limit), oldest first. */
  earlierJobs: z.array(z.string()),
  /** The run the job runs; null in a study folder's record, whose job is the array of its runs. */
  run: runJobSchema.nullable(),
  /**
   * Why the job ended before its trainer started (cancelled while queued, a node that would not
   * start it): a run folder without events cannot say so itself. Absent while it may still start.
   */
  endedBeforeStart: z.string().optional(),
});
export type SlurmJobFile = z.infer<typeof slurmJobFileSchema>;

/** slurm-job.json's content, or null when it is not one (a reader never trusts a file). */
export function parseSlurmJobFile(text: string): SlurmJobFile | null {
  try {
    const parsed = slurmJobFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The job this process runs in, or null outside SLURM. */
export function slurmRunRefFromEnvironment(env: Readonly<Record<string, string | undefined>>): SlurmRunRef | null {
  const jobId = env.SLURM_JOB_ID;
  if (jobId === undefined || jobId === '') return null;
  const task = env.SLURM_ARRAY_TASK_ID;
  const taskId = task === undefined || !/^\d+$/.test(task) ? null : Number(task);
  return {
    jobId,
    arrayJobId: taskId === null ? null : (env.SLURM_ARRAY_JOB_ID ?? null),
    arrayTaskId: taskId,
    node: env.SLURMD_NODENAME ?? null,
  };
}
