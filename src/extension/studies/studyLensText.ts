// The code lenses above a study file, as data: run, resume or stop it, open its Study view, and
// how far it is (`7 of 12 runs done`). Pure.
import type { StudyRecord } from '../../shared/study/studyRecord';

export type StudyLensAction = 'run' | 'resume' | 'stop' | 'explain-restricted' | 'open';

export interface StudyLensSpec {
  action: StudyLensAction;
  title: string;
  tooltip: string;
}

export interface StudyLensInput {
  /** This window runs the study's process (and whether Stop was asked already). */
  running: boolean;
  stopping: boolean;
  trusted: boolean;
  /** The study file and its base experiment check out. */
  valid: boolean;
  runCount: number | null;
  record: StudyRecord | null;
}

/** Runs a resume would still do: not completed and not failed (a failed run stays failed). */
export function runsLeft(record: StudyRecord): number {
  return record.runs.filter((run) => run.status !== 'completed' && run.status !== 'failed').length;
}

export function studyLenses(input: StudyLensInput): StudyLensSpec[] {
  const lenses: StudyLensSpec[] = [];
  const { record } = input;
  if (input.running) {
    lenses.push(
      input.stopping
        ? { action: 'stop', title: '■ Stopping…', tooltip: 'The study’s runs save and stop after their current batch' }
        : {
            action: 'stop',
            title: '■ Stop study',
            tooltip: 'Stop the running runs after their current batch; Resume study continues later',
          },
    );
  } else if (record?.status === 'running') {
    // Another window or a terminal runs it: nothing to start from here.
  } else if (!input.trusted) {
    lenses.push({
      action: 'explain-restricted',
      title: '▶ Run study (disabled in Restricted Mode)',
      tooltip: 'Running a study starts trainers on this machine: trust the workspace first',
    });
  } else if (input.valid) {
    const left = record ? runsLeft(record) : 0;
    if (record && left > 0 && left < record.runs.length)
      lenses.push({
        action: 'resume',
        title: `▶ Resume study (${left} of ${record.runs.length} runs left)`,
        tooltip: 'Skip the runs that ended, resume interrupted ones from their checkpoint, start the rest',
      });
    else
      lenses.push({
        action: 'run',
        title: input.runCount === null ? '▶ Run study' : `▶ Run study (${input.runCount} runs)`,
        tooltip: 'Train every combination of the varied values once per seed, then analyse them',
      });
  }
  lenses.push({
    action: 'open',
    title: record ? `Open study · ${progressWords(record)}` : 'Open study',
    tooltip: 'The label-efficiency chart and the table of the study’s runs',
  });
  return lenses;
}

function progressWords(record: StudyRecord): string {
  const done = record.runs.filter((run) => run.status !== 'pending' && run.status !== 'running').length;
  return `${done} of ${record.runs.length} runs done`;
}
