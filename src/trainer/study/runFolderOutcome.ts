// What a study needs to know of one of its run folders, read from disk: how the run ended (its
// run-ended event), the training labels per class it had (its data-loaded event), its metrics.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorKind } from '../../shared/run/errorKind';
import { parseEventLines } from '../../shared/run/eventLines';
import type { TrainerEvent } from '../../shared/run/events';
import { metricsFileSchema } from '../../shared/run/metricsFile';
import type { MetricsFile } from '../../shared/run/metricsFile';
import { RUN_FILES } from '../../shared/run/runFiles';

export interface RunFolderOutcome {
  /** `interrupted`: it started but has no run-ended (its trainer was killed); `not-started`: no run-started. */
  status: 'completed' | 'failed' | 'stopped' | 'interrupted' | 'not-started';
  error: string | null;
  errorKind: ErrorKind | null;
  seconds: number | null;
  /** Training images per class of the target task, averaged over the classes; null before data-loaded. */
  labelsPerClass: number | null;
  /** Whether `medtransfer resume` has a checkpoint to continue from. */
  hasCheckpoint: boolean;
  metrics: MetricsFile | null;
}

export function readRunFolderOutcome(runDir: string): RunFolderOutcome {
  const events = readEvents(join(runDir, RUN_FILES.events));
  const started = events.some((event) => event.type === 'run-started');
  // A resumed run has one run-ended per attempt: the last one says how it ended.
  const ended = events.filter((event) => event.type === 'run-ended').at(-1);
  const loaded = events.filter((event) => event.type === 'data-loaded').at(-1);
  const train = loaded?.type === 'data-loaded' ? loaded.target.sizes.train : null;
  return {
    status: ended?.type === 'run-ended' ? ended.status : started ? 'interrupted' : 'not-started',
    error: ended?.type === 'run-ended' ? ended.error : null,
    errorKind: ended?.type === 'run-ended' ? ended.errorKind : null,
    seconds: ended?.type === 'run-ended' ? ended.seconds : null,
    labelsPerClass: train && train.length > 0 ? train.reduce((sum, count) => sum + count, 0) / train.length : null,
    hasCheckpoint: existsSync(join(runDir, RUN_FILES.checkpoint)),
    metrics: readMetrics(join(runDir, RUN_FILES.metrics)),
  };
}

function readEvents(path: string): TrainerEvent[] {
  try {
    return parseEventLines(`${readFileSync(path, 'utf8')}\n`).events;
  } catch {
    return [];
  }
}

function readMetrics(path: string): MetricsFile | null {
  try {
    const parsed = metricsFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
