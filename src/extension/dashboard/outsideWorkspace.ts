// Which of a run's paths lie outside the workspace folders. An experiment may read data from
// anywhere (a shared dataset folder, a pretrained model elsewhere): that is allowed, but the
// run header says so, so a run never reads a file the user did not expect without showing it.
import { isAbsolute, relative, resolve } from 'node:path';
import type { FlatSettings } from '../../shared/webview/protocol';

export interface RunPath {
  /** What the path is, e.g. `target data`. */
  what: string;
  path: string;
}

/** The settings (flattened experiment.json, paths resolved by the trainer) that name files. */
const PATH_SETTINGS: readonly (readonly [string, string])[] = [
  ['source.dataset.path', 'source data'],
  ['source.dataset.labels', 'source labels'],
  ['source.dataset.cache.dir', 'source cache'],
  ['target.dataset.path', 'target data'],
  ['target.dataset.labels', 'target labels'],
  ['target.dataset.cache.dir', 'target cache'],
  ['pretrained', 'pretrained model'],
];

export function runPaths(runDir: string, experimentFile: string | null, settings: FlatSettings): RunPath[] {
  const paths: RunPath[] = [{ what: 'run folder', path: runDir }];
  if (experimentFile) paths.push({ what: 'experiment file', path: experimentFile });
  for (const [key, what] of PATH_SETTINGS) {
    const value = settings[key];
    if (typeof value === 'string' && value !== '') paths.push({ what, path: value });
  }
  return paths;
}

export function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The paths in none of the folders (all of them when there is no workspace folder). */
export function pathsOutsideWorkspace(paths: readonly RunPath[], workspaceFolders: readonly string[]): RunPath[] {
  return paths.filter(({ path }) => isAbsolute(path) && !workspaceFolders.some((folder) => isInside(folder, path)));
}
