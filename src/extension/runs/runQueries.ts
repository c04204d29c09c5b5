// Questions the views ask about runs: the runs of one experiment, newest first, and what the
// experiment is doing in this window (running, queued, idle).
import { dirname } from 'node:path';
import type { ExperimentActivity } from '../codeLens/codeLensText';
import type { RunLauncher } from '../trainer/runLauncher';
import { compareRunIdsNewestFirst } from './runPaths';
import type { RunRecord, RunStore } from './runStore';

export function runsInDir(store: Pick<RunStore, 'all'>, experimentDir: string | null): RunRecord[] {
  if (experimentDir === null) return [];
  return store
    .all()
    .filter((record) => dirname(record.runDir) === experimentDir)
    .sort((a, b) => compareRunIdsNewestFirst(a.runId, b.runId));
}

export function activityOf(
  launcher: Pick<RunLauncher, 'runsOf' | 'isStarting' | 'queuePosition'>,
  experimentFile: string,
): ExperimentActivity {
  const [run] = launcher.runsOf(experimentFile).sort((a, b) => b.startedAt - a.startedAt);
  if (run) return { kind: 'running', runDir: run.plan.runDir, stopping: run.process.stopping };
  if (launcher.isStarting(experimentFile)) return { kind: 'starting' };
  const position = launcher.queuePosition(experimentFile);
  return position === null ? { kind: 'idle' } : { kind: 'queued', position };
}
