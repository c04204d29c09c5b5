// medtransfer.executor and medtransfer.slurm.*, read fresh for each submission.
import * as vscode from 'vscode';
import { DEFAULT_SLURM_SETTINGS } from './submitArgs';
import type { SlurmSettings } from './submitArgs';

export type Executor = 'local' | 'slurm';

export function readExecutor(): Executor {
  return vscode.workspace.getConfiguration('medtransfer').get<string>('executor', 'local') === 'slurm'
    ? 'slurm'
    : 'local';
}

export function readSlurmSettings(): SlurmSettings {
  const configuration = vscode.workspace.getConfiguration('medtransfer.slurm');
  const text = (key: keyof SlurmSettings) => {
    const value = configuration.get<unknown>(key);
    return typeof value === 'string' ? value : '';
  };
  const count = (key: keyof SlurmSettings) => {
    const value = configuration.get<unknown>(key);
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
  };
  const list = configuration.get<unknown>('sbatchArgs');
  return {
    ...DEFAULT_SLURM_SETTINGS,
    partition: text('partition'),
    time: text('time'),
    cpus: count('cpus'),
    gpus: text('gpus'),
    mem: text('mem'),
    account: text('account'),
    qos: text('qos'),
    sbatchArgs: Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [],
    requeue: configuration.get<unknown>('requeue') === true,
    maxParallel: count('maxParallel'),
  };
}
