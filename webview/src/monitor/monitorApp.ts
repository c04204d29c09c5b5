// The Monitor view (a narrow sidebar view): the active run live, with phase, epoch and batch
// progress, speed and phase ETA, loss and accuracy sparklines, Stop and Open dashboard; or a
// clear idle state. The host sends the run it shows as a one-run did-load-runs (none when idle).
import { summarizeResult } from '../../../src/shared/run/runState';
import type { HostMessage } from '../../../src/shared/webview/protocol';
import { el, replaceChildren } from '../common/dom';
import { createFrameScheduler } from '../common/frameScheduler';
import type { FrameScheduler } from '../common/frameScheduler';
import { formatDuration, formatRate, formatRatio, phaseLabel } from '../common/viewFormat';
import { listenToHost } from '../common/hostMessages';
import { LineChart, lastValue } from '../common/lineChart';
import { applyHostMessage } from '../common/runCollection';
import type { RunView } from '../common/runCollection';
import { onThemeChange, readThemeColors } from '../common/themeColors';
import type { ThemeColors } from '../common/themeColors';
import { progressRing, toolkitButton } from '../common/toolkit';
import type { WebviewHost } from '../common/vscodeApi';
import { smooth } from '../common/smoothing';
import { addLiveEvents, emptyLiveSeries } from './liveSeries';
import type { LiveSeries } from './liveSeries';
import { ProgressBar } from './progressBar';
import { runProgress } from './runProgress';
import { statusText } from '../common/runStatusText';

class Sparkline {
  readonly element: HTMLElement;
  readonly chart: LineChart;
  private readonly value = el('span', { className: 'spark-value' });
  private readonly label: HTMLElement;

  constructor(label: string) {
    this.chart = new LineChart({
      title: label,
      xLabel: 'epoch',
      height: 48,
      compact: true,
      emptyText: 'waiting for data',
    });
    this.label = el('span', { className: 'spark-label', text: label });
    this.element = el('div', { className: 'spark' }, [
      el('div', { className: 'spark-head' }, [this.label, this.value]),
      this.chart.element,
    ]);
  }

  setLabel(text: string): void {
    this.label.textContent = text;
  }

  setValue(text: string): void {
    this.value.textContent = text;
  }
}

export class MonitorApp {
  private runs: readonly RunView[] = [];
  private live = new Map<string, LiveSeries>();
  private loaded = false;
  private colors: ThemeColors;
  private readonly scheduler: FrameScheduler;
  private readonly stopping = new Set<string>();

  private readonly idle = el('section', { className: 'monitor-idle', attrs: { 'aria-live': 'polite' } }, [
    el('h1', { className: 'idle-title', text: 'No active run' }),
    el('p', {
      text:
        'Run an experiment from the “Run experiment” code lens of a *.experiment.yaml file; ' +
        'its progress shows here.',
    }),
  ]);
  private readonly status = el('span', { className: 'status-badge', attrs: { role: 'status' } });
  private readonly name = el('h1', { className: 'monitor-name' });
  private readonly runId = el('span', { className: 'run-id' });
  private readonly phaseLine = el('p', { className: 'phase-line', attrs: { 'aria-live': 'polite' } });
  private readonly dataBar = new ProgressBar('Decoding');
  private readonly phaseBar = new ProgressBar('Phase');
  private readonly epochBar = new ProgressBar('Epoch');
  private readonly batchBar = new ProgressBar('Batch');
  private readonly speed = el('dd');
  private readonly eta = el('dd');
  private readonly speedRow = el('div', {}, [el('dt', { text: 'Speed' }), this.speed]);
  private readonly etaRow = el('div', {}, [el('dt', { text: 'Phase ends in' }), this.eta]);
  private readonly backend = el('dd');
  private readonly result = el('p', { className: 'monitor-result' });
  private readonly error = el('p', { className: 'run-error', attrs: { role: 'alert' } });
  private readonly lossSpark = new Sparkline('Batch loss');
  private readonly accuracySpark = new Sparkline('Accuracy');
  private readonly actions = el('div', { className: 'monitor-actions' });
  private readonly active: HTMLElement;
  private renderedActions = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly host: WebviewHost,
  ) {
    this.colors = readThemeColors();
    this.scheduler = createFrameScheduler(() => this.render());
    this.active = el('section', { className: 'monitor-run', attrs: { 'aria-label': 'Active run' } }, [
      this.name,
      el('div', { className: 'monitor-title' }, [this.status, this.runId]),
      this.phaseLine,
      this.error,
      this.phaseBar.element,
      this.epochBar.element,
      this.batchBar.element,
      // Last, so the phase, epoch and batch bars keep their places (only one kind shows at a time).
      this.dataBar.element,
      el('dl', { className: 'stats' }, [
        this.speedRow,
        this.etaRow,
        el('div', {}, [el('dt', { text: 'Backend' }), this.backend]),
      ]),
      this.result,
      el('div', { className: 'sparks' }, [
        this.lossSpark.element,
        this.accuracySpark.element,
        el('p', { className: 'spark-legend', text: 'Accuracy: solid validation, dashed training' }),
      ]),
      this.actions,
    ]);
    listenToHost((message) => this.receive(message));
    onThemeChange(() => {
      this.colors = readThemeColors();
      this.scheduler.schedule();
    });
    host.post({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    this.runs = applyHostMessage(this.runs, message);
    if (message.type === 'did-load-runs') {
      this.loaded = true;
      this.live = new Map(message.runs.map((run) => [run.key, addLiveEvents(emptyLiveSeries(), run.events)]));
    } else if (message.type === 'did-append-events' && this.runs.some((run) => run.key === message.key)) {
      this.live.set(message.key, addLiveEvents(this.live.get(message.key) ?? emptyLiveSeries(), message.events));
    }
    this.scheduler.schedule();
  }

  private render(): void {
    if (!this.loaded) return;
    this.root.removeAttribute('aria-busy');
    const run = this.runs.find((candidate) => candidate.state.status === 'running') ?? this.runs[0] ?? null;
    if (!run) {
      if (this.root.firstElementChild !== this.idle) replaceChildren(this.root, [this.idle]);
      return;
    }
    if (this.root.firstElementChild !== this.active) replaceChildren(this.root, [this.active]);
    const state = run.state;
    const running = state.status === 'running';
    const progress = runProgress(state);

    this.status.className = `status-badge status-${state.status}`;
    replaceChildren(this.status, [running ? progressRing('Training') : null, statusText(state)]);
    this.name.textContent = state.experimentName ?? run.label;
    this.runId.textContent = state.runId ?? '';
    const info = progress.phase ? state.phases[progress.phase] : undefined;
    this.phaseLine.textContent = running
      ? progress.phase
        ? `${phaseLabel(progress.phase)}${info?.description ? ` · ${info.description}` : ''}`
        : 'Starting…'
      : `Ended · ${formatDuration(state.seconds)}`;
    this.error.textContent = state.error ?? '';
    this.error.hidden = !state.error;
    this.dataBar.update(progress.data, progress.data?.stage === 'cache' ? 'files from the cache' : 'files');
    this.phaseBar.update(progress.phases, progress.phase ? phaseLabel(progress.phase) : '');
    this.epochBar.update(progress.epoch);
    this.batchBar.update(progress.batch);
    this.speedRow.hidden = !running;
    this.etaRow.hidden = !running;
    this.speed.textContent = formatRate(progress.imagesPerSecond);
    this.eta.textContent = running
      ? progress.phaseEtaSeconds === null
        ? 'estimating…'
        : `~${formatDuration(progress.phaseEtaSeconds)}`
      : '–';
    this.backend.textContent = state.backend ?? '–';
    const summary = summarizeResult(state);
    this.result.textContent = summary ? `Result: ${summary}` : '';
    this.result.hidden = !summary;

    const series = this.live.get(run.key) ?? emptyLiveSeries();
    const color = this.colors.blue;
    this.lossSpark.chart.update(
      {
        x: series.x,
        lines: [{ id: 'loss', label: 'batch loss', color, values: smooth(series.loss, 0.6), raw: series.loss }],
      },
      this.colors,
    );
    this.lossSpark.setValue(formatRatio(lastValue(series.loss), 3));
    this.lossSpark.element.hidden = !running && series.x.length === 0;
    const phase = progress.phase ?? state.epochs.at(-1)?.phase ?? null;
    const epochs = state.epochs.filter((record) => record.phase === phase);
    this.accuracySpark.chart.update(
      {
        x: epochs.map((_, index) => index + 1),
        lines: [
          {
            id: 'train',
            label: 'train accuracy',
            color: this.colors.muted,
            dash: [4, 3],
            values: epochs.map((record) => record.metrics.accuracy),
          },
          {
            id: 'val',
            label: 'validation accuracy',
            color: this.colors.green,
            values: epochs.map((record) => record.metrics.valAccuracy),
          },
        ],
      },
      this.colors,
    );
    this.accuracySpark.setLabel(phase ? `Accuracy · ${phaseLabel(phase)}` : 'Accuracy');
    this.accuracySpark.setValue(formatRatio(lastValue(epochs.map((record) => record.metrics.valAccuracy)), 3));

    this.renderActions(run);
  }

  private renderActions(run: RunView): void {
    const canStop = run.controllable && run.state.status === 'running';
    const stopping = canStop && this.stopping.has(run.key);
    const key = `${run.key}|${canStop}|${stopping}`;
    if (key === this.renderedActions) return;
    this.renderedActions = key;
    const stop = canStop
      ? toolkitButton(
          {
            label: stopping ? 'Stopping…' : 'Stop',
            appearance: 'secondary',
            ariaLabel: 'Stop the run',
            className: 'stop-button',
          },
          () => {
            this.stopping.add(run.key);
            this.host.post({ type: 'stop-run', key: run.key });
            this.renderActions(run);
          },
        )
      : null;
    if (stop && stopping) stop.setAttribute('disabled', '');
    replaceChildren(this.actions, [
      toolkitButton(
        {
          label: 'Open dashboard',
          appearance: 'primary',
          ariaLabel: 'Open the dashboard of this run',
          className: 'open-dashboard',
        },
        () => this.host.post({ type: 'open-dashboard', key: run.key }),
      ),
      stop,
    ]);
  }
}
