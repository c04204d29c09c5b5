// Why `medtransfer resume` cannot continue a run, said so that the user knows what happened and
// what to do.
import type { RunState } from '../../shared/run/runState';
import type { TrainerPresence } from '../../shared/run/runStatus';

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
