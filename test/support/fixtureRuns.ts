// Reads the recorded runs under test/fixtures/runs/<experiment>/<run-id>/ into what the host
// would send the webviews. Tests read the numbers they check from here, never hard-code them, so
// a fixture recorded from the real trainer can replace the synthetic one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerEvent } from '../../src/shared/run/events';
import { parseEventLines } from '../../src/shared/run/eventLines';
import { RUN_FILES } from '../../src/shared/run/runFiles';
import { replayRunEvents } from '../../src/shared/run/runState';
import type { RunState } from '../../src/shared/run/runState';
import { flattenSettings } from '../../src/shared/webview/protocol';
import type { RunSnapshot } from '../../src/shared/webview/protocol';
import { fixturesDir } from './paths';

export const FIXTURE_RUNS_DIR = join(fixturesDir, 'runs');

export interface FixtureRun {
  dir: string;
  events: TrainerEvent[];
  state: RunState;
  snapshot: RunSnapshot;
}

/** Run directories, sorted by experiment and run id; the demo run first. */
export function fixtureRunDirs(): string[] {
  return readdirSync(FIXTURE_RUNS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((experiment) =>
      readdirSync(join(FIXTURE_RUNS_DIR, experiment.name), { withFileTypes: true })
        .filter(
          (entry) =>
            entry.isDirectory() && existsSync(join(FIXTURE_RUNS_DIR, experiment.name, entry.name, RUN_FILES.events)),
        )
        .map((entry) => join(FIXTURE_RUNS_DIR, experiment.name, entry.name)),
    )
    .sort();
}

export function loadFixtureRun(dir: string, overrides: Partial<RunSnapshot> = {}): FixtureRun {
  const parsed = parseEventLines(readFileSync(join(dir, RUN_FILES.events), 'utf8'));
  if (parsed.invalidLines.length > 0) throw new Error(`${dir}: invalid event lines ${parsed.invalidLines.join(', ')}`);
  const events = overrides.events ?? parsed.events;
  const state = replayRunEvents(events);
  const experimentPath = join(dir, RUN_FILES.experiment);
  const settings = existsSync(experimentPath)
    ? flattenSettings(JSON.parse(readFileSync(experimentPath, 'utf8')) as unknown)
    : {};
  const snapshot: RunSnapshot = {
    key: dir,
    label: `${state.experimentName ?? 'run'} · ${state.runId ?? dir}`,
    settings,
    events,
    controllable: false,
    ...overrides,
  };
  return { dir, events, state, snapshot };
}

/** The events up to (not including) the first one matching `stop`: a run caught while it runs. */
export function eventsBefore(
  events: readonly TrainerEvent[],
  stop: (event: TrainerEvent, index: number) => boolean,
): TrainerEvent[] {
  const index = events.findIndex(stop);
  return index < 0 ? [...events] : events.slice(0, index);
}

/** A deep copy of the events with the target's class `from` renamed `to` (a hostile class name, say). */
export function renameClass(events: readonly TrainerEvent[], from: string, to: string): TrainerEvent[] {
  return events.map((event) => {
    if (event.type === 'data-loaded') {
      return {
        ...event,
        target: { ...event.target, classes: event.target.classes.map((name) => (name === from ? to : name)) },
      };
    }
    if (event.type === 'evaluation') {
      return {
        ...event,
        metrics: {
          ...event.metrics,
          perClass: event.metrics.perClass.map((metrics) =>
            metrics.className === from ? { ...metrics, className: to } : metrics,
          ),
        },
      };
    }
    return event;
  });
}
