// The trainer CLI's command line for one run (see src/trainer/cli/main.ts):
// `run FILE --runs-dir DIR --run-id ID [--backend NAME] [--backend-path DIR]… --no-progress`.
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

export function trainerRunArgs({ experimentFile, runsRoot, runId, backend, backendPaths = [] }: TrainerRunArgs): string[] {
  const args = ['run', experimentFile, '--runs-dir', runsRoot, '--run-id', runId];
  if (backend !== 'auto') args.push('--backend', backend);
  for (const folder of backendPaths) args.push('--backend-path', folder);
  args.push('--no-progress');
  return args;
}

export function toBackendChoice(value: unknown): BackendChoice {
  return (BACKEND_CHOICES as readonly unknown[]).includes(value) ? (value as BackendChoice) : 'auto';
}
