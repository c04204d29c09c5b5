// What the extension asks of the trainer CLI for one run (the flags themselves are defined once,
// in src/shared/host/trainerCommandLine.ts): `run FILE --runs-dir DIR --run-id ID [--backend NAME]
// [--backend-path DIR]… --no-progress`, and `resume RUN_DIR …` for a run continued from its
// checkpoint. The `auto` backend setting passes no --backend, so the experiment file's own applies.
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import type { BackendChoice } from '../../shared/experiment/schema';
import type { RequestOf, TrainerFlags } from '../../shared/host/trainerCommandLine';

export interface TrainerRunSettings {
  experimentFile: string;
  runsRoot: string;
  runId: string;
  /** `auto` keeps the experiment file's own `backend`. */
  backend: BackendChoice;
  /** Folders to look for optional backends in (extension/backends/backendFolders.ts). */
  backendPaths?: readonly string[];
}

export function trainerRunRequest({
  experimentFile,
  runsRoot,
  runId,
  backend,
  backendPaths = [],
}: TrainerRunSettings): RequestOf<'run'> {
  return {
    command: 'run',
    positionals: [experimentFile],
    flags: { 'runs-dir': runsRoot, 'run-id': runId, ...backendFlags(backend, backendPaths), 'no-progress': true },
  };
}

export interface TrainerResumeSettings {
  runDir: string;
  backend: BackendChoice;
  backendPaths?: readonly string[];
}

/** `resume RUN_DIR [--backend NAME] [--backend-path DIR]… --no-progress`: continues from the checkpoint. */
export function trainerResumeRequest({
  runDir,
  backend,
  backendPaths = [],
}: TrainerResumeSettings): RequestOf<'resume'> {
  return {
    command: 'resume',
    positionals: [runDir],
    flags: { ...backendFlags(backend, backendPaths), 'no-progress': true },
  };
}

function backendFlags(backend: BackendChoice, backendPaths: readonly string[]): TrainerFlags<'resume'> {
  return {
    ...(backend === 'auto' ? {} : { backend }),
    ...(backendPaths.length > 0 ? { 'backend-path': [...backendPaths] } : {}),
  };
}

export function toBackendChoice(value: unknown): BackendChoice {
  return (BACKEND_CHOICES as readonly unknown[]).includes(value) ? (value as BackendChoice) : 'auto';
}
