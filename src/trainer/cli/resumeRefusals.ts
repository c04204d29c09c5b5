// Why `medtransfer resume` cannot continue a run, said so that the user knows what happened and
// what can still be done.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { RunState } from '../../shared/run/runState';
import type { TrainerPresence } from '../../shared/run/runStatus';
import { checkpointFolders } from '../checkpoint/checkpointFiles';

/** A run that reads as running: its trainer is alive, or it cannot be checked from here and wrote lately. */
export function stillRunning(recorded: Pick<RunState, 'pid' | 'trainerHost'>, trainer: TrainerPresence): string {
  const pid = recorded.pid ?? 'unknown';
  if (trainer === 'alive') return `still running (pid ${pid}); stop it first, or wait for it`;
  const where = recorded.trainerHost === null ? '' : ` on host ${recorded.trainerHost.name}`;
  return (
    `its trainer may still be running (pid ${pid}${where}, which this machine cannot check): ` +
    'it wrote an event less than a minute ago; stop it where it runs, or resume once the run has been quiet a minute'
  );
}

/** Neither checkpoint folder exists: no epoch ever finished, or the checkpoints were removed. */
export function noCheckpointMessage(runDir: string, state: Pick<RunState, 'epochs' | 'experimentFile'>): string {
  const finished = state.epochs.length;
  const last = state.epochs.at(-1);
  if (finished === 0 || last === undefined) return 'nothing to resume: no epoch finished; run again';
  const [newest, previous] = checkpointFolders(runDir);
  const lost =
    `its checkpoints are missing: neither ${newest} nor ${previous} exists, although ` +
    `${finished} ${finished === 1 ? 'epoch' : 'epochs'} finished (the last: ${last.phase} epoch ${last.epoch}). ` +
    'A run keeps its last two checkpoints until it completes' +
    (finished === 1 ? ': the trainer died before writing the first, or they were deleted.' : ': they were deleted.');
  const file = state.experimentFile ?? 'FILE';
  const options = [`start a new run (medtransfer run ${file})`];
  const saved = [RUN_FILES.sourceModel, RUN_FILES.model, RUN_FILES.scratchModel, RUN_FILES.metrics].filter((name) =>
    existsSync(join(runDir, name)),
  );
  if (saved.includes(RUN_FILES.sourceModel))
    options.push(
      `start it from this run's pretrained source model instead of pretraining again ` +
        `(\`pretrained: ${join(runDir, RUN_FILES.sourceModel)}\` in place of \`source\`)`,
    );
  if (saved.length > 0)
    options.push(`use what the run saved when it last ended: ${saved.map((name) => join(runDir, name)).join(', ')}`);
  const nothingSaved =
    saved.length === 0 ? ' (no model of this run was saved: a run saves its models when it ends)' : '';
  return `${lost} What can still be done: ${options.join('; or ')}${nothingSaved}.`;
}
