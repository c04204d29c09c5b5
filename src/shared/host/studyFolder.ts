// Where a study's own files live: `<runs folder>/<study name>.study/`, beside the experiments'
// folders (`<runs folder>/<experiment name>/<run id>/`) that hold its runs. The runs folder is the
// `runs` folder beside the study file unless `--runs-dir` names another, as for experiments.
import { dirname, join } from 'node:path';
import { RUN_FILES } from '../run/runFiles';

export const STUDY_FOLDER_SUFFIX = '.study';

export const STUDY_FILES = {
  /** The study's state and analysis (studyRecord.ts). */
  record: 'study.json',
  /** `medtransfer report` on a study folder writes here. */
  report: 'report',
  /** Held by the `medtransfer study` process that runs the study (the run lock's file); absent when none does. */
  lock: RUN_FILES.lock,
} as const;

export function defaultStudyRunsDir(studyFile: string): string {
  return join(dirname(studyFile), 'runs');
}

export function studyFolder(runsDir: string, studyName: string): string {
  return join(runsDir, `${studyName}${STUDY_FOLDER_SUFFIX}`);
}
