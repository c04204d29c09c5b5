// How a run stands, decided one way for every reader: `medtransfer report`, `medtransfer resume`,
// the extension's tree, code lens, status bar and notifications, and the webviews. The events
// say how the run ended, if they say so; a run whose events stop without run-ended is running
// only while its trainer is there. Whether it is there is asked on the host
// (src/shared/host/trainerPresence.ts: the pid, the machine, the command line); the webviews get
// the host's answer with each run.
import type { RunState } from './runState';

/**
 * What a reader knows of a run's trainer: `alive` (checked), `gone` (checked: dead, or the pid is
 * another process now), `unknown` (it cannot be checked from here, e.g. it ran on another machine,
 * and the run wrote an event recently).
 */
export type TrainerPresence = 'alive' | 'gone' | 'unknown';

/**
 * The run as readers show it: a run without run-ended whose trainer is gone was interrupted
 * (SIGKILL, a crash, a power cut), and `medtransfer resume` continues it. A run that ended, or
 * whose trainer is there or cannot be checked, reads as its events say.
 */
export function decideRunStatus(state: RunState, trainer: TrainerPresence): RunState {
  return state.status === 'running' && trainer === 'gone' && state.runId !== null
    ? { ...state, status: 'interrupted', errorKind: 'interrupted', currentPhase: null, lastBatch: null }
    : state;
}
