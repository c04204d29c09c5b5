// The `medtransfer submit` command line the extension's Run on Cluster builds from the
// medtransfer.slurm.* settings (machine scope: the cluster is this machine's, never the
// workspace's, and the experiment file stays portable). No vscode here: tests check it as is.

export interface SlurmSettings {
  partition: string;
  time: string;
  /** 0: sbatch's default. */
  cpus: number;
  gpus: string;
  mem: string;
  account: string;
  qos: string;
  sbatchArgs: string[];
  requeue: boolean;
  /** A study's runs at once (the array's %N); 0: no limit. */
  maxParallel: number;
}

export const DEFAULT_SLURM_SETTINGS: SlurmSettings = {
  partition: '',
  time: '',
  cpus: 0,
  gpus: '',
  mem: '',
  account: '',
  qos: '',
  sbatchArgs: [],
  requeue: false,
  maxParallel: 0,
};

/** `submit FILE --runs-dir DIR [options]`: a setting left empty is not passed (the cluster's default). */
export function submitArgs(file: string, runsDir: string, settings: SlurmSettings, isStudy: boolean): string[] {
  const args = ['submit', file, '--runs-dir', runsDir];
  const value = (flag: string, text: string) => {
    if (text.trim() !== '') args.push(`--${flag}=${text.trim()}`);
  };
  value('partition', settings.partition);
  value('time', settings.time);
  if (settings.cpus > 0) value('cpus', String(settings.cpus));
  value('gpus', settings.gpus);
  value('mem', settings.mem);
  value('account', settings.account);
  value('qos', settings.qos);
  for (const arg of settings.sbatchArgs) value('sbatch-arg', arg);
  if (settings.requeue) args.push('--requeue');
  if (isStudy && settings.maxParallel > 0) value('max-parallel', String(settings.maxParallel));
  return args;
}

/** The job id and folder `submit` printed, for the notification. */
export function submittedJob(stdout: string, stderr: string): { jobId: string | null; folder: string | null } {
  const jobId = /as SLURM job (?:array )?(\d+)/.exec(stderr)?.[1] ?? null;
  const folder = /^(?:Run|Study) folder: (.+)$/m.exec(stdout)?.[1]?.trim() ?? null;
  return { jobId, folder };
}
