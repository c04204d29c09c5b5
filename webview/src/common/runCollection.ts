// The runs a view shows, as the host's messages describe them: did-load-runs replaces them,
// did-append-events reduces new events into one run's state (never replaying from the start),
// did-change-controllable flips whether it can be stopped from here. Pure.
import { reduceRunEvent, replayRunEvents } from '../../../src/shared/run/runState';
import { decideRunStatus } from '../../../src/shared/run/runStatus';
import type { RunState } from '../../../src/shared/run/runState';
import type { FlatSettings, HostMessage, RunSnapshot } from '../../../src/shared/webview/protocol';

export interface RunView {
  key: string;
  label: string;
  settings: FlatSettings;
  controllable: boolean;
  /** The run's paths outside the workspace folders (the header marks them). */
  outsideWorkspace: readonly { what: string; path: string }[];
  state: RunState;
}

export function loadRuns(snapshots: readonly RunSnapshot[]): RunView[] {
  return snapshots.map((snapshot) => ({
    key: snapshot.key,
    label: snapshot.label,
    settings: snapshot.settings,
    controllable: snapshot.controllable,
    outsideWorkspace: snapshot.outsideWorkspace ?? [],
    // The host checked the trainer (a webview cannot): the same decision as every other reader's.
    state: decideRunStatus(replayRunEvents(snapshot.events), snapshot.trainerGone === true ? 'gone' : 'alive'),
  }));
}

/** The runs after a message; the same array when nothing changed (e.g. events for an unknown run). */
export function applyHostMessage(runs: readonly RunView[], message: HostMessage): readonly RunView[] {
  switch (message.type) {
    case 'did-load-runs':
      return loadRuns(message.runs);
    case 'did-append-events':
      return updateRun(runs, message.key, (run) => {
        const state = message.events.reduce(reduceRunEvent, run.state);
        return state === run.state ? run : { ...run, state };
      });
    case 'did-change-controllable':
      return updateRun(runs, message.key, (run) =>
        run.controllable === message.controllable ? run : { ...run, controllable: message.controllable },
      );
    case 'did-load-saliency':
      // Pixels, not run state: the dashboard keeps them beside the runs (explanationsView).
      return runs;
  }
}

function updateRun(runs: readonly RunView[], key: string, update: (run: RunView) => RunView): readonly RunView[] {
  const index = runs.findIndex((run) => run.key === key);
  const run = runs[index];
  if (!run) return runs;
  const next = update(run);
  if (next === run) return runs;
  return runs.map((candidate, at) => (at === index ? next : candidate));
}
