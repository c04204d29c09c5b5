// Names inside a run directory: the contract between the trainer and every reader.
export const RUN_FILES = {
  events: 'events.jsonl',
  metrics: 'metrics.json',
  experiment: 'experiment.json',
  log: 'log.txt',
  model: 'model',
  scratchModel: 'scratch-model',
  /** The classifier pretrained on the source task, when the run pretrained one. */
  sourceModel: 'source-model',
  modelMetadata: 'metadata.json',
  /** The last good end-of-epoch checkpoint (a folder, replaced atomically): what `resume` continues from. */
  checkpoint: 'checkpoint',
  saliency: 'saliency.json',
  /** Held by the trainer that runs or resumes the run (src/shared/host/runLock.ts); absent when none does. */
  lock: 'trainer.lock',
  /** A run submitted to SLURM (`medtransfer submit`): the job, written before it starts (shared/run/slurmJob.ts). */
  slurmJob: 'slurm-job.json',
  /** The batch script the job runs, kept so that a user can read and resubmit it. */
  jobScript: 'job.sh',
  /** The job's stdout and stderr (every job of the run, appended). */
  jobOutput: 'slurm.out',
} as const;

/** A run id sorts by time: `20261124-101500`, with `-2`, `-3`… when two start in one second. */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}(-\d+)?$/;
