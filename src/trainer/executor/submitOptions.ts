// What `medtransfer submit` was asked, and the checks every kind of submission makes first.
import type { SbatchRequest } from '../../shared/run/slurmJob';
import type { Output } from '../cli/commands';
import { parseSbatchFlags } from './sbatchOptions';
import type { SbatchFlags } from './sbatchOptions';
import { findSlurmTool, SlurmToolMissing } from './slurmTools';
import type { TrainerProgram } from './submitRun';

export interface SubmitOptions {
  /** An experiment file, a study file, or a run folder to resubmit. */
  target: string;
  runsDir: string | undefined;
  runId: string | undefined;
  maxParallel: string | undefined;
  backend: string | undefined;
  dryRun: boolean;
  sbatch: SbatchFlags;
  program: TrainerProgram;
}

/** The cluster options, or their problems printed (null). */
export function sbatchRequestOf(flags: SbatchFlags, base: SbatchRequest | null, output: Output): SbatchRequest | null {
  const parsed = parseSbatchFlags(flags, base);
  if (parsed.ok) return parsed.request;
  parsed.errors.forEach((line) => output.err(`medtransfer: ${line}`));
  return null;
}

/** Fails early, before any folder is made, when sbatch is not there (dry runs need no sbatch). */
export function requireSbatch(dryRun: boolean): void {
  if (dryRun) return;
  const lookup = findSlurmTool('sbatch');
  if (!lookup.found) throw new SlurmToolMissing('sbatch', lookup.searched);
}
