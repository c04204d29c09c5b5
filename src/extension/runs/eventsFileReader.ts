// Reads a run's events.jsonl incrementally: it remembers how far it has read (a byte offset),
// reads only what was appended since, and keeps an unfinished last line (still being written,
// or torn by a crash) until its newline arrives. A file that shrank or was replaced is read
// again from the start.
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseEventLines } from '../../shared/run/eventLines';
import type { TrainerEvent } from '../../shared/run/events';

/** Parses appended bytes into events; a multi-byte character or a line split across reads stays whole. */
export class IncrementalEventParser {
  private decoder = new StringDecoder('utf8');
  private remainder = '';
  private linesSeen = 0;

  push(bytes: Buffer | Uint8Array): { events: TrainerEvent[]; invalidLines: number[] } {
    const text = this.remainder + this.decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const parsed = parseEventLines(text);
    const firstLine = this.linesSeen;
    this.linesSeen += text.split('\n').length - 1;
    this.remainder = parsed.remainder;
    // Line numbers across the whole file, so a log message can point at the line.
    return { events: parsed.events, invalidLines: parsed.invalidLines.map((line) => line + firstLine) };
  }

  /** The text of the unfinished last line, if any. */
  get pending(): string {
    return this.remainder;
  }

  reset(): void {
    this.decoder = new StringDecoder('utf8');
    this.remainder = '';
    this.linesSeen = 0;
  }
}

export interface EventsRead {
  events: TrainerEvent[];
  /** 1-based line numbers (in the file) that were not valid events. */
  invalidLines: number[];
  /** The file shrank or was replaced: what was read before no longer holds. */
  restarted: boolean;
  /** The file does not exist (yet, or any more). */
  missing: boolean;
}

const CHUNK_BYTES = 1 << 20;

export class EventsFileReader {
  private offset = 0;
  private inode: number | null = null;
  private readonly parser = new IncrementalEventParser();
  private running: Promise<void> | null = null;
  private pending: Promise<void> | null = null;

  constructor(
    readonly path: string,
    private readonly onDidRead: (read: EventsRead) => void,
  ) {}

  get bytesRead(): number {
    return this.offset;
  }

  /**
   * Reads what was appended since the last read and hands it to `onDidRead`. Calls while a read
   * runs are coalesced into one more read after it, so bursts of watcher events stay cheap.
   */
  readNew(): Promise<void> {
    if (this.pending) return this.pending;
    if (this.running) {
      this.pending = this.running.then(() => {
        this.pending = null;
        return this.startRead();
      });
      return this.pending;
    }
    return this.startRead();
  }

  private startRead(): Promise<void> {
    this.running = this.readOnce()
      .then((read) => {
        if (read) this.onDidRead(read);
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async readOnce(): Promise<EventsRead | null> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      // Not there yet: nothing to say. Gone after it was read: say so once.
      const hadRead = this.offset > 0 || this.inode !== null;
      this.restart();
      return hadRead ? { events: [], invalidLines: [], restarted: true, missing: true } : null;
    }
    try {
      const stats = await handle.stat();
      let restarted = false;
      if (stats.size < this.offset || (this.inode !== null && stats.ino !== this.inode)) {
        this.restart();
        restarted = true;
      }
      this.inode = stats.ino;
      const events: TrainerEvent[] = [];
      const invalidLines: number[] = [];
      const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, Math.max(1, stats.size - this.offset)));
      while (this.offset < stats.size) {
        const { bytesRead } = await handle.read(
          buffer,
          0,
          Math.min(buffer.length, stats.size - this.offset),
          this.offset,
        );
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const parsed = this.parser.push(buffer.subarray(0, bytesRead));
        events.push(...parsed.events);
        invalidLines.push(...parsed.invalidLines);
      }
      if (!restarted && events.length === 0 && invalidLines.length === 0) return null;
      return { events, invalidLines, restarted, missing: false };
    } finally {
      await handle.close();
    }
  }

  private restart(): void {
    this.offset = 0;
    this.inode = null;
    this.parser.reset();
  }
}

/** Reads a whole events.jsonl at once (a dashboard's snapshot); a missing file gives no events. */
export async function readAllEvents(path: string): Promise<{ events: TrainerEvent[]; invalidLines: number[] }> {
  const collected: { events: TrainerEvent[]; invalidLines: number[] } = { events: [], invalidLines: [] };
  const reader = new EventsFileReader(path, (read) => {
    collected.events.push(...read.events);
    collected.invalidLines.push(...read.invalidLines);
  });
  await reader.readNew();
  return collected;
}
