// What the end of a trainer this window launched means for its run, decided from the run folder
// (read after the exit) and the exit itself. Only a trainer that announced itself in the folder
// (a run-started or run-resumed naming its pid) ran the run: its run-ended is the run's end, and
// if it died without one, the host records it. A trainer that exited before announcing itself
// (a resume refused because another trainer holds the run, a backend that cannot load, an
// invalid file) did nothing to the run: the folder keeps its own last end (stopped,
// interrupted…, or running under another trainer), and the user is told why this launch failed,
// never that earlier end. No `vscode` here.
import { parseTrainerCommandLine } from '../../shared/host/trainerCommandLine';
import type { RunState } from '../../shared/run/runState';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { RunOutcome } from './runOutcome';

export type LaunchEnd =
  /** The trainer recorded how the run ended (its run-ended, in the folder). */
  | { kind: 'ended'; outcome: RunOutcome }
  /** It ran the run and died without run-ended: the host records `outcome` for it. */
  | { kind: 'died'; outcome: RunOutcome }
  /**
   * It never ran the run; `refused`: the trainer declined (exit 2: another trainer holds the run,
   * nothing to resume…). `message`: why, without the CLI's `medtransfer: cannot resume DIR:` prefix.
   */
  | { kind: 'not-started'; outcome: RunOutcome; refused: boolean; message: string };

export interface LaunchEndInput {
  /** The run as its folder reads after the exit (null when it has no record). */
  state: Pick<RunState, 'pid' | 'pidNamedAt' | 'status' | 'error' | 'errorKind'> | null;
  /** The launch: its command line, run folder, child pid and when it was forked (ms since epoch). */
  args: readonly string[];
  runDir: string;
  pid: number | null;
  launchedAt: number;
  exitCode: number | null;
  /** How the exit alone reads (outcomeOfExit). */
  exitOutcome: RunOutcome;
}

/** Clock slack between this host's launch time and the time the trainer stamped on its event. */
const CLOCK_SLACK_MS = 5_000;

export function decideLaunchEnd(input: LaunchEndInput): LaunchEnd {
  const { state, exitOutcome } = input;
  if (state !== null && announcedByThisLaunch(state, input)) {
    if (state.status === 'running') return { kind: 'died', outcome: exitOutcome };
    const { status, error, errorKind } = state;
    return { kind: 'ended', outcome: { status, error, errorKind, reportedByTrainer: true } };
  }
  const parsed = parseTrainerCommandLine(input.args);
  const resuming = parsed.kind === 'request' && parsed.request.command === 'resume';
  // A new run that never announced itself has no history to keep: the host records its end as
  // for any trainer that died, so that its folder (if the trainer made one) stops reading as running.
  if (!resuming) return { kind: 'died', outcome: exitOutcome };
  const refused = input.exitCode === EXIT.usage;
  return { kind: 'not-started', outcome: exitOutcome, refused, message: withoutCliPrefix(exitOutcome, input.runDir) };
}

function announcedByThisLaunch(state: NonNullable<LaunchEndInput['state']>, input: LaunchEndInput): boolean {
  if (input.pid === null || state.pid !== input.pid) return false;
  const namedAt = state.pidNamedAt === null ? NaN : Date.parse(state.pidNamedAt);
  // The same pid named before this launch is an older trainer's that the system handed out again.
  return !Number.isFinite(namedAt) || namedAt >= input.launchedAt - CLOCK_SLACK_MS;
}

function withoutCliPrefix(outcome: RunOutcome, runDir: string): string {
  const line = outcome.error ?? 'the trainer exited without resuming the run';
  const prefix = `medtransfer: cannot resume ${runDir}: `;
  if (line.startsWith(prefix)) return line.slice(prefix.length);
  return line.startsWith('medtransfer: ') ? line.slice('medtransfer: '.length) : line;
}
