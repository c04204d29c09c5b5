// A run as a reader on this machine sees it: its events replayed, then its status decided the one
// way (shared/run/runStatus.ts) with its trainer checked here (trainerPresence.ts). For the CLI's
// readers of a run folder, `medtransfer report` and `medtransfer resume`; the extension does the
// same through RunLiveness, which keeps the answers between its polls.
import type { TrainerEvent } from '../run/events';
import { replayRunEvents } from '../run/runState';
import type { RunState } from '../run/runState';
import { decideRunStatus } from '../run/runStatus';
import type { TrainerPresence } from '../run/runStatus';
import { trainerPresenceOf } from './trainerPresence';

export interface RunOnHost {
  /** What the events alone say (`running` for a run without run-ended). */
  recorded: RunState;
  /** What every reader shows: `interrupted` for a run without run-ended whose trainer is gone. */
  state: RunState;
  trainer: TrainerPresence;
}

export function runOnHost(events: readonly TrainerEvent[], runDir: string, now = Date.now()): RunOnHost {
  const recorded = replayRunEvents(events);
  const last = events.at(-1);
  const lastEventAt = last === undefined ? null : Date.parse(last.time);
  const trainer = trainerPresenceOf({
    state: recorded,
    runDir,
    lastEventAt: Number.isFinite(lastEventAt) ? lastEventAt : null,
    now,
  });
  return { recorded, state: decideRunStatus(recorded, trainer), trainer };
}
