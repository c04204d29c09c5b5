// Which files are study files, and what they are called in the UI.
import { basename } from 'node:path';
import { STUDY_FILE_PATTERN } from '../../shared/study/studySchema';

/** Workspace glob of study files (for findFiles and file watchers). */
export const STUDY_FILE_GLOB = '**/*.study.{yaml,yml,json}';
/** study.json in a study folder (`<runs>/<name>.study/study.json`), watched for progress. */
export const STUDY_RECORD_GLOB = '**/*.study/study.json';

export function isStudyFile(path: string): boolean {
  return STUDY_FILE_PATTERN.test(basename(path));
}

/** `pneumonia-labels.study.yaml` → `pneumonia-labels` */
export function studyFileStem(path: string): string {
  return basename(path).replace(STUDY_FILE_PATTERN, '');
}
