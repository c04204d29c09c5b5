// What an experiments table shows: the runs of one experiment file (newest first), and the
// table's title. Read from the index and the run store each time, so a table follows new runs.
import type { RunTable } from '../../shared/webview/protocol';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import { runsInDir } from '../runs/runQueries';
import type { RunStore } from '../runs/runStore';

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

/** The table a webview saved in its state (`{ table: { path } }`), if it did. */
export function tablePathFromWebviewState(state: unknown): string | null {
  if (state === null || typeof state !== 'object' || !('table' in state)) return null;
  const { table } = state as { table: unknown };
  if (table === null || typeof table !== 'object' || !('path' in table)) return null;
  const { path } = table as { path: unknown };
  return typeof path === 'string' && path.length > 0 && path.length <= 4096 ? path : null;
}
