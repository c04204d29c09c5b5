// What a run folder says, read the way every MedTransfer view reads it (events.jsonl replayed
// into a RunState): the ground truth the UI is checked against.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerEvent } from '../../../src/shared/run/events';
import { parseEventLines } from '../../../src/shared/run/eventLines';
import { RUN_FILES } from '../../../src/shared/run/runFiles';
import { replayRunEvents } from '../../../src/shared/run/runState';
import type { RunState } from '../../../src/shared/run/runState';

export interface RunRecord {
  events: TrainerEvent[];
  state: RunState;
}

export function readRun(runDir: string): RunRecord {
  const file = join(runDir, RUN_FILES.events);
  if (!existsSync(file)) throw new Error(`no ${RUN_FILES.events} in ${runDir}`);
  const { events, invalidLines } = parseEventLines(readFileSync(file, 'utf8'));
  if (invalidLines.length > 0) throw new Error(`${file}: lines ${invalidLines.join(', ')} are not valid events`);
  return { events, state: replayRunEvents(events) };
}

/** Images per split summed over the classes. */
export function splitSize(sizes: readonly number[]): number {
  return sizes.reduce((sum, count) => sum + count, 0);
}

/**
 * What a run folder says when a step waiting on it fails: its status and error, its last events'
 * types and the end of log.txt, so that a failure on a machine we cannot look at explains itself.
 */
export function describeRunFolder(runDir: string, logLines = 15): string {
  let summary: string;
  try {
    const { state, events } = readRun(runDir);
    const lastTypes = events.slice(-8).map((event) => event.type);
    summary = `status ${state.status}${state.error ? ` (${state.error})` : ''}; last events: ${lastTypes.join(', ')}`;
  } catch (error) {
    summary = error instanceof Error ? error.message : String(error);
  }
  const logFile = join(runDir, RUN_FILES.log);
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-logLines) : [];
  return [`run folder ${runDir}: ${summary}`, ...log.map((line) => `  log: ${line}`)].join('\n');
}
