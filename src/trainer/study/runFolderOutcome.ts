// What a study needs to know of one of its run folders, read from disk: where the run stands (as
// every reader decides it), the training labels per class it had (its data-loaded), its metrics.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorKind } from '../../shared/run/errorKind';
import { parseEventLines } from '../../shared/run/eventLines';
import type { TrainerEvent } from '../../shared/run/events';
import { metricsFileSchema } from '../../shared/run/metricsFile';
import type { MetricsFile } from '../../shared/run/metricsFile';
import { RUN_FILES } from '../../shared/run/runFiles';
import { runOnHost } from '../../shared/host/runOnHost';

export interface RunFolderOutcome {
  /**
   * As every reader decides it (shared/host/runOnHost.ts): `running` while its trainer lives (a
   * resumed run included), `interrupted` when it is gone without a run-ended; `not-started`: no run-started.
   */
  status: 'running' | 'completed' | 'failed' | 'stopped' | 'interrupted' | 'not-started';
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
  const { state } = runOnHost(events, runDir);
  const train = state.target?.sizes.train ?? null;
  return {
    status: state.runId === null ? 'not-started' : state.status,
    error: state.error,
    errorKind: state.errorKind,
    seconds: state.seconds,
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
