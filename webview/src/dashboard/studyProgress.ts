// How far a study is, in words, from its study.json. Pure.
import type { StudyRecord } from '../../../src/shared/study/studyRecord';

/** `12 of 12 runs done`, with the failed and running ones named. */
export function studyProgressText(record: StudyRecord): string {
  const count = (status: StudyRecord['runs'][number]['status']) =>
    record.runs.filter((run) => run.status === status).length;
  const ended = count('completed') + count('failed') + count('stopped');
  const extras = [
    count('running') > 0 ? `${count('running')} running` : '',
    count('failed') > 0 ? `${count('failed')} failed` : '',
    count('stopped') > 0 ? `${count('stopped')} stopped` : '',
  ].filter((part) => part.length > 0);
  return `${ended} of ${record.runs.length} runs done${extras.length > 0 ? ` · ${extras.join(', ')}` : ''}`;
}
