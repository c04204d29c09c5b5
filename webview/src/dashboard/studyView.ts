// The Study view of the dashboard: the study's state (n of N runs done), the label-efficiency
// chart with what it says (crossover, labels to the goal, the label-saving factor), the points
// behind it as a table, and the experiments table of every run of the study (the varied values
// and the seed as columns; a click opens a run). Names, labels and values are untrusted text.
import type { PointAnalysis, SeedInterval, StudyAnalysis } from '../../../src/shared/study/studyAnalysis';
import type { StudyRecord } from '../../../src/shared/study/studyRecord';
import type { RunTable } from '../../../src/shared/webview/protocol';
import { el, replaceChildren } from '../common/dom';
import type { RunView } from '../common/runCollection';
import type { ThemeColors } from '../common/themeColors';
import { toolkitDropdown } from '../common/toolkit';
import { formatDifference, formatRatio, MISSING } from '../common/viewFormat';
import { LabelEfficiencyChart } from './labelEfficiencyChart';
import { RunsTableView } from './runsTable';
import type { RunsTableActions, RunsTableChoice } from './runsTable';
import { buildStudyTable } from './runsTableData';
import { studyProgressText } from './studyProgress';
import { savingFactorPhrase } from '../../../src/shared/study/savingFactorText';
import { formatLabelCount, goalSentence, labelEfficiencyData, METRIC_LABELS, MODEL_LABELS } from './studyChartData';

export type StudyTable = Extract<RunTable, { kind: 'study' }>;

export interface StudyChoice extends RunsTableChoice {
  series: number;
}

export interface StudyViewActions extends RunsTableActions {
  setSeries(series: number): void;
}

const STUDY_STATUS_LABELS: Readonly<Record<StudyRecord['status'], string>> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  stopped: 'Stopped',
};

function formatInterval(value: SeedInterval | null | undefined, signed = false): string {
  if (!value) return MISSING;
  const format = (number: number) => (signed ? formatDifference(number, 3) : formatRatio(number, 3));
  return `${format(value.mean)} [${format(value.low)}, ${format(value.high)}]`;
}

export class StudyView {
  readonly element: HTMLElement;
  private readonly heading = el('div', { className: 'study-heading' });
  private readonly analysisSection = el('section', { className: 'study-analysis' });
  private readonly chart = new LabelEfficiencyChart();
  private readonly seriesPicker = el('div', { className: 'toolbar study-series' });
  private readonly summary = el('ul', { className: 'study-summary' });
  private readonly pointsSection = el('section', { className: 'table-section study-points' });
  private readonly runs: RunsTableView;
  private renderedAnalysis: unknown[] = [];
  private seriesCount = -1;

  constructor(
    private readonly actions: StudyViewActions,
    initial: StudyChoice,
  ) {
    this.runs = new RunsTableView(actions, initial);
    this.element = el('div', { className: 'study-view' }, [
      this.heading,
      this.analysisSection,
      this.pointsSection,
      this.runs.element,
    ]);
  }

  update(table: StudyTable, runs: readonly RunView[], choice: StudyChoice, colors: ThemeColors): void {
    const record = table.record;
    this.renderHeading(table, record);
    if (!record) {
      replaceChildren(this.analysisSection, [
        el('p', { className: 'empty-note', text: 'This study has not run yet: no study.json in its folder.' }),
      ]);
      replaceChildren(this.pointsSection, []);
      this.runs.update('Runs', { settingColumns: [], rows: [] }, choice, 'No runs yet.');
      return;
    }
    this.renderAnalysis(record, choice.series, colors);
    this.runs.update('Runs', buildStudyTable(record, runs), choice, 'No runs yet.');
  }

  destroy(): void {
    this.chart.destroy();
  }

  private renderHeading(table: StudyTable, record: StudyRecord | null): void {
    const status = record?.status ?? null;
    replaceChildren(this.heading, [
      el('h1', { className: 'study-name', text: table.name }),
      status === null
        ? null
        : el('span', { className: `status-badge study-status status-${status}`, text: STUDY_STATUS_LABELS[status] }),
      el('span', { className: 'study-progress', text: record ? studyProgressText(record) : 'not run yet' }),
      el('span', { className: 'study-file', text: table.file }),
      record?.description ? el('p', { className: 'study-description', text: record.description }) : null,
    ]);
  }

  private renderAnalysis(record: StudyRecord, series: number, colors: ThemeColors): void {
    const analysis = record.analysis;
    const parts = [analysis, series, colors];
    if (parts.every((part, index) => part === this.renderedAnalysis[index])) return;
    this.renderedAnalysis = parts;
    if (!analysis) {
      replaceChildren(this.analysisSection, [
        el('p', { className: 'empty-note', text: 'No run of this study has completed yet.' }),
      ]);
      replaceChildren(this.pointsSection, []);
      return;
    }
    this.renderPoints(record, analysis);
    const index = Math.min(Math.max(0, series), Math.max(0, analysis.series.length - 1));
    const data = analysis.labelCountPath === null ? null : labelEfficiencyData(analysis, index);
    if (!data) {
      const why =
        analysis.labelCountPath === null
          ? 'The label count does not vary in this study: no learning curve to draw.'
          : 'No point has completed runs yet.';
      replaceChildren(this.analysisSection, [el('p', { className: 'empty-note', text: why })]);
      return;
    }
    if (this.seriesCount !== analysis.series.length) {
      this.seriesCount = analysis.series.length;
      const choices = analysis.series.map((item, at) => ({
        value: String(at),
        label: item.label || `curve ${at + 1}`,
      }));
      replaceChildren(
        this.seriesPicker,
        analysis.series.length > 1
          ? [
              el('span', { className: 'control-label', text: 'Curve' }),
              toolkitDropdown('Learning curve', choices, String(index), (value) =>
                this.actions.setSeries(Number(value)),
              ),
            ]
          : [],
      );
    }
    this.chart.update(data, colors);
    const counts = data.models.flatMap((model) => model.points.map((point) => point.labelsPerClass));
    const largest = counts.length > 0 ? Math.max(...counts) : null;
    const smallest = counts.length > 0 ? Math.min(...counts) : null;
    const goalText = data.goal === null ? null : `${METRIC_LABELS[data.metric]} ${data.goal.toFixed(2)}`;
    const saving = data.series.savingFactor;
    replaceChildren(this.summary, [
      el('li', { className: 'crossover-note', text: data.series.crossoverNote }),
      ...(goalText === null
        ? []
        : data.models.map((model) =>
            el('li', {
              className: `to-goal to-goal-${model.model}`,
              text: goalSentence(MODEL_LABELS[model.model], goalText, model.fit, largest, smallest),
            }),
          )),
      saving
        ? el('li', {
            className: 'saving-factor',
            text: `Transfer ${savingFactorPhrase(saving)}.`,
          })
        : null,
    ]);
    replaceChildren(this.analysisSection, [this.seriesPicker, this.chart.element, this.summary]);
  }

  private renderPoints(record: StudyRecord, analysis: StudyAnalysis): void {
    const metric = METRIC_LABELS[analysis.metric];
    const seeds = record.seeds.length;
    const labels = new Map(record.points.map((point) => [point.id, point.label]));
    const row = (point: PointAnalysis): HTMLElement =>
      el('tr', { attrs: { 'data-point': point.point } }, [
        el('th', { attrs: { scope: 'row' }, text: labels.get(point.point) ?? point.point }),
        el('td', {
          className: 'number labels',
          text: point.labelsPerClass === null ? MISSING : formatLabelCount(point.labelsPerClass),
        }),
        el('td', {
          className: 'number fine-tuned',
          text: formatInterval(point.models['fine-tuned']?.[analysis.metric]),
        }),
        el('td', { className: 'number scratch', text: formatInterval(point.models.scratch?.[analysis.metric]) }),
        el('td', { className: 'number gain', text: formatInterval(point.gain?.[analysis.metric], true) }),
        el('td', { className: 'number completed', text: `${point.completed} of ${seeds}` }),
      ]);
    const head = (text: string, title?: string) => el('th', { text, attrs: { scope: 'col', title } });
    replaceChildren(this.pointsSection, [
      el('h2', { className: 'section-title', text: 'Points' }),
      el(
        'div',
        { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Points of the study', tabindex: 0 } },
        [
          el('table', { className: 'metrics-table points-table' }, [
            el('thead', {}, [
              el('tr', {}, [
                head('Point'),
                head('Labels/class', 'Training labels per class the runs had (mean over seeds)'),
                head(`${metric} fine-tuned`, 'Mean over seeds [95% interval]'),
                head(`${metric} scratch`, 'Mean over seeds [95% interval]'),
                head('Gain', 'Fine-tuned minus scratch [95% interval]'),
                head('Completed', 'Runs that completed, of the seeds'),
              ]),
            ]),
            el('tbody', {}, analysis.points.map(row)),
          ]),
        ],
      ),
      el('p', { className: 'table-note', text: analysis.methods }),
    ]);
  }
}
