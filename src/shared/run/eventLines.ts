// Reads events.jsonl text, tolerating what a file written by a live or killed process holds:
// an unfinished last line (still being written, or torn by a crash) and lines that are not
// valid events (reported, never trusted).
import { trainerEventSchema } from './events';
import type { TrainerEvent } from './events';

export interface ParsedEventLines {
  events: TrainerEvent[];
  /** Text after the last newline: an unfinished line, kept to prepend to the next chunk. */
  remainder: string;
  /** 1-based numbers (within this chunk) of complete lines that were not valid events. */
  invalidLines: number[];
}

/** Parses complete lines of a chunk; the part after the last newline is returned as `remainder`. */
export function parseEventLines(chunk: string): ParsedEventLines {
  const lines = chunk.split('\n');
  const remainder = lines.pop() ?? '';
  const events: TrainerEvent[] = [];
  const invalidLines: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const event = parseEventLine(line);
    if (event) events.push(event);
    else invalidLines.push(index + 1);
  });
  return { events, remainder, invalidLines };
}

export function parseEventLine(line: string): TrainerEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = trainerEventSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
