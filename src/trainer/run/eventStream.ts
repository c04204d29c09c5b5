// Stamps each event with its sequence number and time and hands it to every sink: the run's
// events.jsonl (always), the IPC channel (when forked) and the progress display (CLI on a TTY).
import type { TrainerEvent, TrainerEventBody } from '../../shared/run/events';

export interface EventSink {
  write(event: TrainerEvent): void;
  close?(): void;
}

export class EventStream {
  private seq: number;
  private readonly sinks: EventSink[] = [];

  /** `firstSeq`: where numbering starts (after the last event of a run being resumed). */
  constructor(sinks: EventSink[] = [], firstSeq = 0) {
    this.sinks.push(...sinks);
    this.seq = firstSeq;
  }

  add(sink: EventSink): void {
    this.sinks.push(sink);
  }

  readonly emit = (body: TrainerEventBody): TrainerEvent => {
    const event = { ...body, seq: this.seq++, time: new Date().toISOString() } as TrainerEvent;
    for (const sink of this.sinks) sink.write(event);
    return event;
  };

  /** A log line, as an event. */
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', level, message });
  }

  close(): void {
    for (const sink of this.sinks) sink.close?.();
  }
}
