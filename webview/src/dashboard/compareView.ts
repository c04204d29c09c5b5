// The Compare tab, when the dashboard shows two or more runs: one metric overlaid for every run,
// each run's headline results, and the settings that differ between them.
import { el, replaceChildren } from '../common/dom';
import { LineChart } from '../common/lineChart';
import type { RunView } from '../common/runCollection';
import type { ThemeColors } from '../common/themeColors';
import { toolkitDropdown } from '../common/toolkit';
import { renderResultsTable, renderSettingsTable } from './compareTable';
import { buildCompareData, CURVE_GROUPS, CURVE_METRICS } from './curveSeries';
import type { CurveGroupId, CurveMetric, CurveSplit } from './curveSeries';
import { chartLines } from './curvesView';
import { SmoothingControl } from './smoothingControl';

export interface CompareChoice {
  metric: CurveMetric;
  split: CurveSplit;
  group: CurveGroupId;
  smoothing: number;
}

export interface CompareViewActions {
  setSmoothing(value: number): void;
  setMetric(metric: CurveMetric): void;
  setSplit(split: CurveSplit): void;
  setGroup(group: CurveGroupId): void;
}

/** One colour per run, in order; dashes tell runs apart once the palette repeats. */
export function runColors(count: number, colors: ThemeColors): string[] {
  const palette = [colors.blue, colors.orange, colors.green, colors.purple, colors.red, colors.yellow];
  return Array.from({ length: count }, (_, index) => palette[index % palette.length] ?? colors.foreground);
}

export class CompareView {
  readonly element: HTMLElement;
  private readonly chartHolder = el('div', { className: 'compare-chart' });
  private readonly results = el('section', { className: 'table-section' });
  private readonly settings = el('section', { className: 'table-section' });
  private chart: LineChart | null = null;
  private chartKey = '';
  private rendered: unknown[] = [];
  private readonly smoothing: SmoothingControl;
  private readonly splitDropdown: HTMLElement;

  constructor(actions: CompareViewActions, initial: CompareChoice) {
    const metricChoices = (Object.keys(CURVE_METRICS) as CurveMetric[]).map((metric) => ({
      value: metric,
      label: CURVE_METRICS[metric].label,
    }));
    this.smoothing = new SmoothingControl((value) => actions.setSmoothing(value));
    this.splitDropdown = toolkitDropdown(
      'Split',
      [
        { value: 'val', label: 'Validation' },
        { value: 'train', label: 'Training' },
      ],
      initial.split,
      (value) => actions.setSplit(value),
    );
    this.element = el('div', { className: 'compare-view' }, [
      el('div', { className: 'toolbar' }, [
        el('span', { className: 'control' }, [
          el('span', { className: 'control-label', text: 'Metric' }),
          toolkitDropdown('Metric', metricChoices, initial.metric, (value) => actions.setMetric(value)),
        ]),
        el('span', { className: 'control' }, [
          el('span', { className: 'control-label', text: 'Split' }),
          this.splitDropdown,
        ]),
        el('span', { className: 'control' }, [
          el('span', { className: 'control-label', text: 'Model' }),
          toolkitDropdown(
            'Model',
            [
              { value: 'fine-tuned', label: 'Fine-tuned (head → fine-tune)' },
              { value: 'scratch', label: 'Scratch' },
              { value: 'source', label: 'Source pretraining' },
            ],
            initial.group,
            (value) => actions.setGroup(value),
          ),
        ]),
        this.smoothing.element,
      ]),
      this.chartHolder,
      this.results,
      this.settings,
    ]);
  }

  update(runs: readonly RunView[], choice: CompareChoice, colors: ThemeColors): void {
    this.smoothing.update(choice.smoothing);
    const epochs = runs.map((run) => run.state.epochs);
    const parts = [...epochs, choice.metric, choice.split, choice.group, choice.smoothing, colors, runs.length];
    if (parts.length === this.rendered.length && parts.every((part, index) => part === this.rendered[index])) {
      this.updateTables(runs, colors);
      return;
    }
    this.rendered = parts;
    const info = CURVE_METRICS[choice.metric];
    const split = info.train ? choice.split : 'val';
    // Validation-only metrics (AUC, balanced accuracy) have no training curve to pick.
    if (info.train) this.splitDropdown.removeAttribute('disabled');
    else this.splitDropdown.setAttribute('disabled', '');
    this.splitDropdown.title = info.train ? '' : `${info.measure} is measured on the validation split only`;
    const group = CURVE_GROUPS[choice.group];
    const title = `${group.label} · ${split === 'train' ? 'training' : 'validation'} ${info.measure}`;
    const key = `${title}|${info.ratio}`;
    if (!this.chart || key !== this.chartKey) {
      this.chart?.destroy();
      this.chart = new LineChart({
        title,
        xLabel: group.id === 'fine-tuned' ? 'epoch (head + fine-tune)' : 'epoch',
        height: 280,
        ratio: info.ratio,
        emptyText: 'No epochs of this kind in these runs',
      });
      this.chartKey = key;
      replaceChildren(this.chartHolder, [this.chart.element]);
    }
    const data = buildCompareData(
      runs.map((run) => ({ key: run.key, label: run.label, epochs: run.state.epochs })),
      choice.metric,
      split,
      group,
    );
    const palette = runColors(runs.length, colors);
    this.chart.update(
      { x: data.x, lines: chartLines(data, choice.smoothing, (_line, index) => palette[index] ?? colors.foreground) },
      colors,
    );
    this.updateTables(runs, colors);
  }

  private renderedTables: unknown[] = [];

  private updateTables(runs: readonly RunView[], colors: ThemeColors): void {
    const parts = [
      colors,
      ...runs.flatMap((run) => [run.state.evaluations, run.state.status, run.settings, run.label]),
    ];
    if (
      parts.length === this.renderedTables.length &&
      parts.every((part, index) => part === this.renderedTables[index])
    )
      return;
    this.renderedTables = parts;
    const palette = runColors(runs.length, colors);
    replaceChildren(this.results, [
      el('h2', { className: 'section-title', text: 'Results' }),
      renderResultsTable(runs, palette),
    ]);
    replaceChildren(this.settings, [
      el('h2', { className: 'section-title', text: 'Settings that differ' }),
      renderSettingsTable(runs, palette),
    ]);
  }
}
