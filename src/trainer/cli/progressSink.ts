// The CLI's live display on a terminal: one progress bar for the current epoch, with the
// run's story (phase starts, epoch summaries, evaluations) printed above it.
import { MultiBar, Presets } from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import type { TrainerEvent } from '../../shared/run/events';
import type { EventSink } from '../run/eventStream';
import { describeEvent } from '../run/describeEvent';

export class ProgressSink implements EventSink {
  private readonly bars: MultiBar;
  private bar: SingleBar | null = null;

  constructor(stream: NodeJS.WriteStream) {
    this.bars = new MultiBar(
      {
        stream,
        format:
          ' {phase} {epochLabel} {bar} {percentage}% | batch {value}/{total} | ' +
          'loss {loss} | {speed} img/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
        barsize: 24,
      },
      Presets.shades_classic,
    );
  }

  write(event: TrainerEvent): void {
    if (event.type === 'batch-ended') {
      const payload = {
        phase: event.phase,
        epochLabel: `epoch ${event.epoch}`,
        loss: event.loss.toFixed(3),
        speed: Math.round(event.imagesPerSecond),
      };
      if (!this.bar) this.bar = this.bars.create(event.batches, 0, payload);
      this.bar.setTotal(event.batches);
      this.bar.update(event.batch, payload);
      return;
    }
    if (event.type === 'epoch-ended' || event.type === 'phase-ended' || event.type === 'run-ended') this.removeBar();
    const text = describeEvent(event);
    if (text !== null) this.bars.log(`${text}\n`);
  }

  private removeBar(): void {
    if (!this.bar) return;
    this.bars.remove(this.bar);
    this.bar = null;
  }

  close(): void {
    this.removeBar();
    this.bars.stop();
  }
}
