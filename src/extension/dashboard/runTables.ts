// What an experiments table shows: the runs of one experiment file (newest first), or of one
// study (as its study.json lists them, with the record itself). Read from the indexes and the run
// store each time, so a table follows new runs and a study's progress.
import type { RunTable } from '../../shared/webview/protocol';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { runsInDir } from '../runs/runQueries';
import type { RunStore } from '../runs/runStore';
import type { StudyIndex } from '../studies/studyIndex';

export interface RunTableContent {
  table: RunTable;
  keys: string[];
}

/** Null when the experiment is not (or no longer) in the index. */
export function experimentTable(
  index: Pick<ExperimentIndex, 'get'>,
  store: Pick<RunStore, 'all'>,
  path: string,
): RunTableContent | null {
  const entry = index.get(path);
  if (!entry) return null;
  return {
    table: { kind: 'experiment', name: entry.summary.name ?? entry.stem, file: entry.relativePath, path },
    keys: runsInDir(store, entry.experimentDir).map((record) => record.key),
  };
}

/** Null when the study file is not (or no longer) in the index. */
export function studyTable(studies: Pick<StudyIndex, 'get'>, path: string): RunTableContent | null {
  const entry = studies.get(path);
  if (!entry) return null;
  const record = entry.record;
  return {
    table: { kind: 'study', name: entry.summary.name ?? entry.stem, file: entry.relativePath, path, record },
    keys: record?.runs.flatMap((run) => (run.runDir === null ? [] : [run.runDir])) ?? [],
  };
}

/** The table a webview saved in its state (`{ table: { kind, path } }`), if it did. */
export function tableFromWebviewState(state: unknown): { kind: RunTable['kind']; path: string } | null {
  if (state === null || typeof state !== 'object' || !('table' in state)) return null;
  const { table } = state as { table: unknown };
  if (table === null || typeof table !== 'object' || !('path' in table) || !('kind' in table)) return null;
  const { path, kind } = table as { path: unknown; kind: unknown };
  if (kind !== 'experiment' && kind !== 'study') return null;
  return typeof path === 'string' && path.length > 0 && path.length <= 4096 ? { kind, path } : null;
}
