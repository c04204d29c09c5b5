// What the Experiments tree shows for a study and its points, as data (treeItemText.ts does the
// experiments and runs): the study with how far it is, each point with its runs done and its
// fine-tuned AUC over the seeds. Pure.
import type { StudyRecord } from '../../shared/study/studyRecord';
import { counted } from '../../shared/text/plural';
import type { TreeItemSpec } from '../experiments/treeItemText';
import type { StudySummary } from './studySummary';

export interface StudyItemInput {
  stem: string;
  relativePath: string;
  summary: StudySummary;
  record: StudyRecord | null;
  /** This window runs the study's process. */
  running: boolean;
}

export function studyItemSpec({ stem, relativePath, summary, record, running }: StudyItemInput): TreeItemSpec {
  const done = record ? record.runs.filter((run) => run.status !== 'pending' && run.status !== 'running').length : 0;
  const description = !summary.valid
    ? counted(summary.diagnostics.length, 'problem')
    : record
      ? `${done} of ${record.runs.length} runs done${record.status === 'running' ? ' · running' : ''}`
      : `not run yet · ${counted(summary.runCount ?? 0, 'run')}`;
  const active = running || record?.status === 'running';
  return {
    label: summary.name ?? stem,
    description,
    tooltip: `**Study ${summary.name ?? stem}** — ${relativePath}\n\n${description}`,
    icon: summary.valid
      ? { id: active ? 'sync~spin' : 'graph-line' }
      : { id: 'error', color: 'problemsErrorIcon.foreground' },
    contextValue: `study.${running ? 'running' : 'idle'}${record ? '.hasRecord' : ''}`,
  };
}

/** One point of the grid: `labelsPerClass 20` · `3 of 3 done · AUC 0.91`. */
export function studyPointItemSpec(record: StudyRecord, pointId: string): TreeItemSpec {
  const point = record.points.find((candidate) => candidate.id === pointId);
  const runs = record.runs.filter((run) => run.point === pointId);
  const done = runs.filter((run) => run.status === 'completed').length;
  const failed = runs.filter((run) => run.status === 'failed').length;
  const auc = record.analysis?.points.find((candidate) => candidate.point === pointId)?.models['fine-tuned']?.auc;
  const parts = [
    `${done} of ${runs.length} done`,
    failed > 0 ? `${failed} failed` : '',
    auc ? `AUC ${auc.mean.toFixed(2)} [${auc.low.toFixed(2)}, ${auc.high.toFixed(2)}]` : '',
  ].filter((part) => part.length > 0);
  const running = runs.some((run) => run.status === 'running');
  return {
    label: point?.label ?? pointId,
    description: parts.join(' · '),
    tooltip: `**${point?.label ?? pointId}** — ${parts.join(' · ')}`,
    icon:
      failed > 0
        ? { id: 'warning', color: 'problemsWarningIcon.foreground' }
        : { id: running ? 'sync~spin' : 'circle-outline' },
    contextValue: 'study-point',
  };
}
