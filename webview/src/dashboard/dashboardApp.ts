// The dashboard: one run (header and tabs: curves, evaluation, confusion matrices, per-class metrics,
// details), or several to compare (an extra Compare tab and a picker for the run the other tabs
// show). It posts `ready`, takes the host's snapshot, reduces appended events as they come and
// redraws at most once a frame. Its small UI state survives reloads through vscode.setState.
import type { Panels } from '@vscode/webview-ui-toolkit';
import type { SaliencyFile } from '../../../src/shared/run/saliency';
import type { HostMessage, RunTable } from '../../../src/shared/webview/protocol';
import { el, replaceChildren } from '../common/dom';
import { createFrameScheduler } from '../common/frameScheduler';
import type { FrameScheduler } from '../common/frameScheduler';
import { listenToHost } from '../common/hostMessages';
import { applyHostMessage } from '../common/runCollection';
import type { RunView } from '../common/runCollection';
import { onThemeChange, readThemeColors } from '../common/themeColors';
import type { ThemeColors } from '../common/themeColors';
import { toolkitDropdown } from '../common/toolkit';
import type { WebviewHost } from '../common/vscodeApi';
import { CompareView } from './compareView';
import { ConfusionView } from './confusionView';
import { CurvesView } from './curvesView';
import { DetailsView } from './detailsView';
import { EvaluationView } from './evaluationView';
import { ExplanationsView } from './explanationsView';
import { RunHeader } from './header';
import { RunsTableView } from './runsTable';
import { StudyView } from './studyView';
import type { StudyViewActions } from './studyView';
import { buildRunsTable } from './runsTableData';
import { PerClassView } from './perClassTable';
import { DASHBOARD_TABS, restoreUiState } from './uiState';
import type { DashboardTab, DashboardUiState } from './uiState';

const TAB_LABELS: Readonly<Record<DashboardTab, string>> = {
  compare: 'Compare',
  curves: 'Curves',
  evaluation: 'Evaluation',
  confusion: 'Confusion',
  'per-class': 'Per class',
  explanations: 'Explanations',
  details: 'Details',
};

interface Layout {
  compare: CompareView | null;
  header: RunHeader;
  selector: HTMLElement | null;
  curves: CurvesView;
  evaluation: EvaluationView;
  confusion: ConfusionView;
  perClass: PerClassView;
  explanations: ExplanationsView;
  details: DetailsView;
}

export class DashboardApp {
  private runs: readonly RunView[] = [];
  /** saliency.json per run key, as the host sent it (pixels stay out of the run state). */
  private readonly saliency = new Map<string, SaliencyFile>();
  private ui: DashboardUiState;
  private colors: ThemeColors;
  private loads = 0;
  private layoutLoad = -1;
  private layout: Layout | null = null;
  /** Set when the host asked for an experiments table rather than one run. */
  private table: RunTable | null = null;
  private tableView: RunsTableView | null = null;
  private studyView: StudyView | null = null;
  private readonly scheduler: FrameScheduler;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: WebviewHost,
  ) {
    this.ui = restoreUiState(host.getState());
    this.colors = readThemeColors();
    this.scheduler = createFrameScheduler(() => this.render());
    listenToHost((message) => this.receive(message));
    onThemeChange(() => {
      this.colors = readThemeColors();
      this.scheduler.schedule();
    });
    host.post({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    this.runs = applyHostMessage(this.runs, message);
    if (message.type === 'did-load-saliency') this.saliency.set(message.key, message.saliency);
    if (message.type === 'did-load-runs') {
      this.table = message.table ?? null;
      this.loads += 1;
      this.saveState();
    }
    this.scheduler.schedule();
  }

  /** The UI state plus the runs (or table) shown, so the host's serializer reopens them after a reload. */
  private saveState(): void {
    // A table is reopened from its experiment file (its runs may have changed by then).
    if (this.table) {
      const { kind, name, file, path } = this.table;
      this.host.setState({ ...this.ui, table: { kind, name, file, path } });
    } else this.host.setState({ ...this.ui, keys: this.runs.map((run) => run.key) });
  }

  private setUi(patch: Partial<DashboardUiState>, rebuild = false): void {
    this.ui = { ...this.ui, ...patch };
    this.saveState();
    if (rebuild) this.layoutLoad = -1;
    this.scheduler.schedule();
  }

  private tableActions(): StudyViewActions {
    return {
      openRun: (key) => this.host.post({ type: 'open-dashboard', key }),
      compare: (keys) => this.host.post({ type: 'compare-runs', keys: [...keys] }),
      setSort: (tableSort) => this.setUi({ tableSort }),
      setFilter: (tableFilter) => this.setUi({ tableFilter }),
      setSeries: (studySeries) => this.setUi({ studySeries }),
    };
  }

  private renderTable(table: RunTable): void {
    const choice = { sort: this.ui.tableSort, filter: this.ui.tableFilter, series: this.ui.studySeries };
    if (table.kind === 'study') {
      if (!this.studyView) {
        this.clearTables();
        this.studyView = new StudyView(this.tableActions(), choice);
        replaceChildren(this.root, [this.studyView.element]);
      }
      this.studyView.update(table, this.runs, choice, this.colors);
      return;
    }
    if (!this.tableView) {
      this.clearTables();
      this.tableView = new RunsTableView(this.tableActions(), choice);
      replaceChildren(this.root, [this.tableView.element]);
    }
    this.tableView.update(`${table.name} · ${table.file}`, buildRunsTable(this.runs), choice);
  }

  private clearTables(): void {
    this.layout = null;
    this.tableView = null;
    this.studyView?.destroy();
    this.studyView = null;
  }

  private focusedRun(): RunView | null {
    return this.runs.find((run) => run.key === this.ui.focusedRun) ?? this.runs[0] ?? null;
  }

  private render(): void {
    if (this.loads === 0) return;
    this.root.removeAttribute('aria-busy');
    if (this.table) {
      this.renderTable(this.table);
      return;
    }
    if (this.tableView || this.studyView) this.clearTables();
    const run = this.focusedRun();
    if (!run) {
      this.layout = null;
      this.layoutLoad = this.loads;
      replaceChildren(this.root, [el('p', { className: 'empty-state', text: 'No run to show.' })]);
      return;
    }
    if (!this.layout || this.layoutLoad !== this.loads) {
      this.layout = this.buildLayout(run);
      this.layoutLoad = this.loads;
    }
    const layout = this.layout;
    layout.header.update(run, layout.selector);
    layout.compare?.update(
      this.runs,
      {
        metric: this.ui.compareMetric,
        split: this.ui.compareSplit,
        group: this.ui.compareGroup,
        smoothing: this.ui.smoothing,
      },
      this.colors,
    );
    layout.curves.update(run.state.epochs, this.ui.smoothing, this.colors);
    layout.evaluation.update(run.state, this.ui.evaluationClass);
    layout.confusion.update(run.state, {
      normalized: this.ui.normalized,
      matrixSource: this.ui.matrixSource,
      epoch: this.ui.epoch,
    });
    layout.perClass.update(run.state);
    layout.explanations.update(this.saliency.get(run.key) ?? null);
    layout.details.update(run.state);
  }

  private buildLayout(run: RunView): Layout {
    const comparing = this.runs.length >= 2;
    const layout: Layout = {
      compare: comparing
        ? new CompareView(
            {
              setSmoothing: (smoothing) => this.setUi({ smoothing }),
              setMetric: (compareMetric) => this.setUi({ compareMetric }),
              setSplit: (compareSplit) => this.setUi({ compareSplit }),
              setGroup: (compareGroup) => this.setUi({ compareGroup }),
            },
            {
              metric: this.ui.compareMetric,
              split: this.ui.compareSplit,
              group: this.ui.compareGroup,
              smoothing: this.ui.smoothing,
            },
          )
        : null,
      header: new RunHeader({
        stop: (key) => this.host.post({ type: 'stop-run', key }),
        revealFolder: (key) => this.host.post({ type: 'reveal-run-folder', key }),
      }),
      selector: comparing ? this.runSelector(run) : null,
      curves: new CurvesView({ setSmoothing: (smoothing) => this.setUi({ smoothing }) }),
      evaluation: new EvaluationView({ setClass: (evaluationClass) => this.setUi({ evaluationClass }) }),
      confusion: new ConfusionView(
        {
          setNormalized: (normalized) => this.setUi({ normalized }),
          setMatrixSource: (matrixSource) => this.setUi({ matrixSource }),
          setEpoch: (epoch) => this.setUi({ epoch }),
        },
        { normalized: this.ui.normalized, matrixSource: this.ui.matrixSource, epoch: this.ui.epoch },
      ),
      perClass: new PerClassView(),
      explanations: new ExplanationsView(() =>
        this.host.post({ type: 'export-report', key: this.focusedRun()?.key ?? run.key }),
      ),
      details: new DetailsView(),
    };
    const views: Partial<Record<DashboardTab, HTMLElement>> = {
      compare: layout.compare?.element,
      curves: layout.curves.element,
      evaluation: layout.evaluation.element,
      confusion: layout.confusion.element,
      'per-class': layout.perClass.element,
      explanations: layout.explanations.element,
      details: layout.details.element,
    };
    const tabs = DASHBOARD_TABS.filter((tab) => views[tab] !== undefined);
    const fallback: DashboardTab = comparing ? 'compare' : 'curves';
    const active = this.ui.tab !== null && tabs.includes(this.ui.tab) ? this.ui.tab : fallback;
    const panels = el(
      'vscode-panels',
      { className: 'tabs', attrs: { activeid: `tab-${active}`, 'aria-label': 'Run views' } },
      [
        ...tabs.map((tab) => el('vscode-panel-tab', { text: TAB_LABELS[tab], attrs: { id: `tab-${tab}` } })),
        ...tabs.map((tab) =>
          el('vscode-panel-view', { className: 'tab-view', attrs: { id: `view-${tab}` } }, [views[tab]]),
        ),
      ],
    );
    panels.addEventListener('change', (event) => {
      // Controls inside the views fire `change` too, and it bubbles: only the tab list counts.
      if (event.target !== panels) return;
      const tab = (panels as Panels).activeid?.replace(/^tab-/, '');
      const chosen = tabs.find((candidate) => candidate === tab);
      if (chosen && chosen !== this.ui.tab) this.setUi({ tab: chosen });
    });
    replaceChildren(this.root, [layout.header.element, panels]);
    return layout;
  }

  private runSelector(run: RunView): HTMLElement {
    const choices = this.runs.map((candidate) => ({ value: candidate.key, label: candidate.label }));
    return el('div', { className: 'run-selector' }, [
      el('span', { className: 'control-label', text: `Comparing ${this.runs.length} runs · details of` }),
      toolkitDropdown('Run shown in the other tabs', choices, run.key, (focusedRun) =>
        this.setUi({ focusedRun, epoch: null }, true),
      ),
    ]);
  }
}
