// Sends events to the parent process (the extension host) when the trainer was forked with an
// IPC channel. A parent that went away must not crash the run: the run directory still has all.
import type { TrainerEvent } from '../../shared/run/events';
import type { EventSink } from './eventStream';

export class IpcSink implements EventSink {
  constructor(private readonly channel: { send?: (message: unknown) => boolean; connected?: boolean }) {}

  write(event: TrainerEvent): void {
    if (!this.channel.send || this.channel.connected === false) return;
    try {
      this.channel.send(event);
    } catch {
      // The parent disconnected; events.jsonl keeps the record.
    }
  }
}
