// `medtransfer report STUDY_DIR`: a study's report.html and report.md, and each learning curve's
// chart as its own SVG file (label-efficiency.svg, then -2, -3… per series) to put in a paper or a
// README. The chart, the table of points, the fits with the labels to the goal, the runs that
// failed and the methods paragraph; the same renderers as a run's report.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { STUDY_FILES } from '../../shared/host/studyFolder';
import { learningCurveSvg } from '../../shared/study/learningCurveSvg';
import { parseStudyRecord } from '../../shared/study/studyRecord';
import { counted } from '../../shared/text/plural';
import type { StudyRecord } from '../../shared/study/studyRecord';
import { analyzeRecord } from '../study/studyRecordFile';
import { curveLines, studyTableRows } from '../study/studySummary';
import type { Block, ReportDocument, Section } from './document';
import { renderHtml } from './renderHtml';
import { renderMarkdown } from './renderMarkdown';
import { NOT_A_MEDICAL_DEVICE } from './sections/modelCard';
import { REPORT_FILES } from './writeReport';

export function isStudyFolder(folder: string): boolean {
  return existsSync(join(folder, STUDY_FILES.record));
}

export function chartFileName(index: number): string {
  return index === 0 ? 'label-efficiency.svg' : `label-efficiency-${index + 1}.svg`;
}

export function writeStudyReport(
  studyDir: string,
  outDir = join(studyDir, STUDY_FILES.report),
): { html: string; markdown: string; charts: string[] } {
  const parsed = parseStudyRecord(readFileSync(join(studyDir, STUDY_FILES.record), 'utf8'));
  if (!parsed.ok) throw new Error(`${join(studyDir, STUDY_FILES.record)} is no study record: ${parsed.reason}`);
  // Analysed afresh from the run folders: the report says what they hold now, even mid-study.
  const record = { ...parsed.record, analysis: analyzeRecord(parsed.record) };
  mkdirSync(outDir, { recursive: true });
  const svgs = (record.analysis?.series ?? []).map((series) =>
    record.analysis ? learningCurveSvg(record.analysis, series) : '',
  );
  const charts = svgs.map((svg, index) => {
    const path = join(outDir, chartFileName(index));
    writeFileAtomically(path, `${svg}\n`);
    return path;
  });
  const document = buildStudyReport(record, svgs);
  const html = join(outDir, REPORT_FILES.html);
  const markdown = join(outDir, REPORT_FILES.markdown);
  writeFileAtomically(html, renderHtml(document));
  writeFileAtomically(markdown, renderMarkdown(document));
  return { html, markdown, charts };
}

export function buildStudyReport(record: StudyRecord, svgs: readonly string[]): ReportDocument {
  const completed = record.runs.filter((run) => run.status === 'completed').length;
  const seconds = record.runs.reduce((sum, run) => sum + (run.seconds ?? 0), 0);
  const sections: Section[] = [
    {
      id: 'study',
      title: 'Study',
      blocks: [
        {
          kind: 'list',
          items: [
            `Base experiment: ${record.experimentFile}`,
            `Varied: ${record.varied.join(', ')}; seeds ${record.seeds.join(', ')}`,
            `Runs: ${record.runs.length} (${counted(record.points.length, 'point')} × ` +
              `${counted(record.seeds.length, 'seed')}), ` +
              `${completed} completed`,
            `Training time, all runs: ${Math.round(seconds)} s`,
            ...(record.goal ? [`Goal: ${record.goal.metric} ${record.goal.value}`] : []),
            ...(record.description ? [record.description] : []),
          ],
        },
      ],
    },
  ];
  if (record.analysis && record.analysis.series.length > 0) {
    const blocks: Block[] = [
      {
        kind: 'charts',
        svgs: [...svgs],
        markdown:
          'The chart is drawn in report.html and saved beside it as ' +
          `${svgs.map((_, i) => chartFileName(i)).join(', ')}.`,
      },
      { kind: 'list', items: curveLines(record.analysis).map((line) => line.trim()) },
    ];
    sections.push({ id: 'curves', title: 'Label efficiency', blocks });
  }
  const [header = [], ...rows] = studyTableRows(record);
  sections.push({
    id: 'points',
    title: 'Points',
    blocks: [
      {
        kind: 'table',
        caption: `Mean over seeds [${Math.round((record.analysis?.level ?? 0.95) * 100)}% interval]`,
        header,
        rows,
      },
    ],
  });
  const failed = record.runs.filter((run) => run.status === 'failed' || run.status === 'stopped');
  if (failed.length > 0)
    sections.push({
      id: 'failed',
      title: 'Runs that did not complete',
      blocks: [
        {
          kind: 'list',
          items: failed.map(
            (run) =>
              `${record.points.find((point) => point.id === run.point)?.label ?? run.point}, seed ${run.seed}: ` +
              `${run.status}${run.errorKind ? ` (${run.errorKind})` : ''}${run.error ? `: ${run.error}` : ''}`,
          ),
        },
      ],
    });
  if (record.analysis)
    sections.push({ id: 'methods', title: 'Methods', blocks: [{ kind: 'paragraph', text: record.analysis.methods }] });
  return {
    title: `MedTransfer study: ${record.name}`,
    subtitle: [`${record.status}`, `started ${record.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`].join(
      ' · ',
    ),
    warning: NOT_A_MEDICAL_DEVICE,
    sections,
  };
}
