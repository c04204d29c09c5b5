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
