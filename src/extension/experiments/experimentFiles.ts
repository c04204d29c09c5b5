// Which files are experiment files, and what they are called in the UI.
import { basename } from 'node:path';

/** Workspace glob of experiment files (for findFiles and file watchers). */
export const EXPERIMENT_FILE_GLOB = '**/*.experiment.{yaml,yml,json}';
/** Folders never searched for experiment files (besides `files.exclude`). */
export const EXPERIMENT_SEARCH_EXCLUDE = '{**/node_modules/**,**/.git/**,**/runs/**,**/dist/**}';

const EXPERIMENT_SUFFIX = /\.experiment\.(ya?ml|json)$/i;

export function isExperimentFile(path: string): boolean {
  return EXPERIMENT_SUFFIX.test(basename(path));
}

/** `chest.experiment.yaml` → `chest` */
export function experimentFileStem(path: string): string {
  return basename(path).replace(EXPERIMENT_SUFFIX, '');
}
