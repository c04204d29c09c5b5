// Appends each event as one JSON line, written whole with one synchronous write, so a reader
// (or a crash) never sees half of a line except the very last.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TrainerEvent } from '../../shared/run/events';
import type { EventSink } from './eventStream';

export class JsonlSink implements EventSink {
  private fd: number | null;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  write(event: TrainerEvent): void {
    if (this.fd !== null) writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
