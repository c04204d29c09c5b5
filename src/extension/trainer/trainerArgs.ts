// The trainer CLI's command line for one run (see src/trainer/cli/main.ts):
// `run FILE --runs-dir DIR --run-id ID [--backend NAME] [--backend-path DIR]… --no-progress`,
// and `resume RUN_DIR …` for a run continued from its checkpoint.
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import type { BackendChoice } from '../../shared/experiment/schema';

export interface TrainerRunArgs {
  experimentFile: string;
  runsRoot: string;
  runId: string;
  /** `auto` keeps the experiment file's own `backend`. */
  backend: BackendChoice;
  /** Folders to look for optional backends in (extension/backends/backendFolders.ts). */
  backendPaths?: readonly string[];
}

export function trainerRunArgs({
  experimentFile,
  runsRoot,
  runId,
  backend,
  backendPaths = [],
}: TrainerRunArgs): string[] {
  const args = ['run', experimentFile, '--runs-dir', runsRoot, '--run-id', runId];
  if (backend !== 'auto') args.push('--backend', backend);
  for (const folder of backendPaths) args.push('--backend-path', folder);
  args.push('--no-progress');
  return args;
}

export interface TrainerResumeArgs {
  runDir: string;
  backend: BackendChoice;
  backendPaths?: readonly string[];
}

/** `resume RUN_DIR [--backend NAME] [--backend-path DIR]… --no-progress`: continues from the checkpoint. */
export function trainerResumeArgs({ runDir, backend, backendPaths = [] }: TrainerResumeArgs): string[] {
  const args = ['resume', runDir];
  if (backend !== 'auto') args.push('--backend', backend);
  for (const folder of backendPaths) args.push('--backend-path', folder);
  args.push('--no-progress');
  return args;
}

export function toBackendChoice(value: unknown): BackendChoice {
  return (BACKEND_CHOICES as readonly unknown[]).includes(value) ? (value as BackendChoice) : 'auto';
}
