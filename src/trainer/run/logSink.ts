// log.txt: the run's story in plain lines (what a user reads first when something went wrong).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TrainerEvent } from '../../shared/run/events';
import type { EventSink } from './eventStream';
import { describeEvent } from './describeEvent';

export class LogSink implements EventSink {
  private fd: number | null;

  constructor(
    path: string,
    private readonly echo: ((line: string) => void) | null = null,
  ) {
    this.fd = openSync(path, 'a');
  }

  write(event: TrainerEvent): void {
    const text = describeEvent(event);
    if (text === null) return;
    const line = `${event.time} ${text}`;
    if (this.fd !== null) writeSync(this.fd, `${line}\n`);
    this.echo?.(text);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
