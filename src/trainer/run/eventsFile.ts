// Reading an existing events.jsonl to continue it: the events, and whether the last line was
// torn (the trainer died in the middle of writing it). Such a line is cut off before appending.
import { readFileSync, truncateSync } from 'node:fs';
import { parseEventLines } from '../../shared/run/eventLines';
import type { TrainerEvent } from '../../shared/run/events';

export interface EventsOnDisk {
  events: TrainerEvent[];
  /** The file ends in an unfinished line. */
  tornLastLine: boolean;
  /** 1-based numbers of complete lines that are not valid events (kept, never trusted). */
  invalidLines: number[];
  /** The highest seq in the file, -1 when none. */
  lastSeq: number;
}

export function readEventsFile(path: string): EventsOnDisk {
  const parsed = parseEventLines(readFileSync(path, 'utf8'));
  const lastSeq = parsed.events.reduce((highest, event) => Math.max(highest, event.seq), -1);
  return {
    events: parsed.events,
    tornLastLine: parsed.remainder.trim() !== '',
    invalidLines: parsed.invalidLines,
    lastSeq,
  };
}

/** Cuts the file after its last newline, so appended lines start on a line of their own. */
export function dropTornLastLine(path: string): void {
  const bytes = readFileSync(path);
  truncateSync(path, bytes.lastIndexOf(0x0a) + 1);
}
