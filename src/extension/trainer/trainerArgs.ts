// The trainer CLI's command line for one run (see src/trainer/cli/main.ts):
// `run FILE --runs-dir DIR --run-id ID [--backend NAME] --no-progress`.
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import type { BackendChoice } from '../../shared/experiment/schema';

export interface TrainerRunArgs {
  experimentFile: string;
  runsRoot: string;
  runId: string;
  /** `auto` keeps the experiment file's own `backend`. */
  backend: BackendChoice;
}

export function trainerRunArgs({ experimentFile, runsRoot, runId, backend }: TrainerRunArgs): string[] {
  const args = ['run', experimentFile, '--runs-dir', runsRoot, '--run-id', runId];
  if (backend !== 'auto') args.push('--backend', backend);
  args.push('--no-progress');
  return args;
}

export function toBackendChoice(value: unknown): BackendChoice {
  return (BACKEND_CHOICES as readonly unknown[]).includes(value) ? (value as BackendChoice) : 'auto';
}
