// Everything a report shows, read from a run directory (the single source of truth): the events
// (curves, data sizes, evaluations), metrics.json (with the intervals, curves, calibration and
// operating point where the run computed them), experiment.json and saliency.json. Files a run
// did not write (older runs, a stopped run) are simply absent; malformed ones are errors.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentSchema } from '../../shared/experiment/schema';
import type { Experiment } from '../../shared/experiment/schema';
import { parseEventLines } from '../../shared/run/eventLines';
import { metricsFileSchema } from '../../shared/run/metricsFile';
import type { MetricsFile } from '../../shared/run/metricsFile';
import { RUN_FILES } from '../../shared/run/runFiles';
import { runOnHost } from '../../shared/host/runOnHost';
import type { RunState } from '../../shared/run/runState';
import { saliencyFileSchema } from '../../shared/run/saliency';
import type { SaliencyFile } from '../../shared/run/saliency';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface ReportData {
  /** The run as every reader sees it: its events, with its status decided on this host (runOnHost.ts). */
  state: RunState;
  experiment: Experiment | null;
  metrics: MetricsFile | null;
  saliency: SaliencyFile | null;
  /** Where each model's weights came from (model metadata), by folder. */
  weightsSources: { folder: string; weightsSource: string }[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${errorMessage(error)}`);
  }
}

function readOptional<T>(
  path: string,
  parse: (
    value: unknown,
  ) => { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } },
): T | null {
  if (!existsSync(path)) return null;
  const parsed = parse(readJson(path));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${path}: ${issue ? `${issue.path.map(String).join('.') || 'file'}: ${issue.message}` : 'invalid'}`);
}

export function readReportData(runDir: string): ReportData {
  const eventsPath = join(runDir, RUN_FILES.events);
  if (!existsSync(eventsPath)) throw new Error(`${runDir} is not a MedTransfer run folder (no ${RUN_FILES.events})`);
  const parsed = parseEventLines(`${readFileSync(eventsPath, 'utf8')}\n`);
  const { state } = runOnHost(parsed.events, runDir);
  const weightsSources = [RUN_FILES.model, RUN_FILES.scratchModel, RUN_FILES.sourceModel].flatMap((folder) => {
    const path = join(runDir, folder, RUN_FILES.modelMetadata);
    if (!existsSync(path)) return [];
    const metadata = readJson(path) as { weightsSource?: unknown };
    return typeof metadata.weightsSource === 'string' ? [{ folder, weightsSource: metadata.weightsSource }] : [];
  });
  return {
    state,
    experiment: readOptional(join(runDir, RUN_FILES.experiment), (value) => experimentSchema.safeParse(value)),
    metrics: readOptional(join(runDir, RUN_FILES.metrics), (value) => metricsFileSchema.safeParse(value)),
    saliency: readOptional(join(runDir, RUN_FILES.saliency), (value) => saliencyFileSchema.safeParse(value)),
    weightsSources,
  };
}
