// Is the trainer of a run without run-ended still there? Asked on the host by every reader of a
// run (the CLI's report and resume through runOnHost.ts, the extension's RunLiveness), and turned
// into the run's status by the one decision, decideRunStatus (shared/run/runStatus.ts).
// - Its events name the machine its pid runs on (run-started, run-resumed). On this machine
//   (same boot, same pid namespace) the pid is checked (trainerOfRun.ts) and the answer is final.
//   A machine with this name that has rebooted since: gone.
// - On another machine, or in a run recorded before events named the machine, the pid cannot
//   settle it: the trainer may run elsewhere on a shared runs folder. It is there while the run
//   wrote an event in the last minute (a training trainer writes several a second) and gone once
//   the run has been quiet longer.
import type { RunState } from '../run/runState';
import type { TrainerPresence } from '../run/runStatus';
import { hostRelation } from './thisHost';
import type { HostRelation } from './thisHost';
import { checkTrainerOfRun, expectedTrainerOf } from './trainerOfRun';
import type { ExpectedTrainer, TrainerCheck } from './trainerOfRun';

export const QUIET_BEFORE_GONE_MS = 60_000;

export interface TrainerPresenceInput {
  state: Pick<RunState, 'status' | 'runId' | 'pid' | 'pidNamedAt' | 'startedAt' | 'trainerHost' | 'seedGroup'>;
  runDir: string;
  /** When the run's latest event was written (ms since epoch), or null before any. */
  lastEventAt: number | null;
  now?: number;
  quietMs?: number;
  /** The pid check (trainerOfRun.ts by default). */
  check?: (pid: number, expected: ExpectedTrainer) => TrainerCheck;
  /** What the trainer's machine is to this one (thisHost.ts by default). */
  relation?: (state: TrainerPresenceInput['state']) => HostRelation | 'unrecorded';
}

/** Whether the trainer of a run that reads as running is there; `gone` for a run that ended. */
export function trainerPresenceOf(input: TrainerPresenceInput): TrainerPresence {
  const { state } = input;
  if (state.status !== 'running') return 'gone';
  const relation = (input.relation ?? relationOf)(state);
  if (relation === 'rebooted') return 'gone';
  if (relation !== 'other') {
    const trainer = expectedTrainerOf(state, input.runDir);
    const check = trainer === null ? 'dead' : (input.check ?? checkTrainerOfRun)(trainer.pid, trainer.expected);
    if (check === 'our-trainer') return 'alive';
    if (relation === 'this') return 'gone';
  }
  const now = input.now ?? Date.now();
  const quiet = input.lastEventAt === null || now - input.lastEventAt > (input.quietMs ?? QUIET_BEFORE_GONE_MS);
  return quiet ? 'gone' : 'unknown';
}

function relationOf(state: TrainerPresenceInput['state']): HostRelation | 'unrecorded' {
  return state.trainerHost === null ? 'unrecorded' : hostRelation(state.trainerHost, state.pidNamedAt);
}
