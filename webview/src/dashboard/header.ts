// The run's header: name, run id, status, backend, live progress, the headline transfer gain
// (fine-tuned minus scratch) and the data sizes per class. Stop when it runs in this window.
import type { DatasetSummary } from '../../../src/shared/run/events';
import type { ClinicalMetrics } from '../../../src/shared/run/metrics';
import { transferGain } from '../../../src/shared/run/runState';
import type { RunState } from '../../../src/shared/run/runState';
import { errorKindAdvice } from '../../../src/shared/run/errorKind';
import { el, replaceChildren } from '../common/dom';
import type { Child } from '../common/dom';
import { formatCount, formatDuration, formatRatio, formatDifference, phaseLabel, signOf } from '../common/viewFormat';
import type { RunView } from '../common/runCollection';
import { progressRing, toolkitButton } from '../common/toolkit';
import { formatP } from './evaluationData';
import { statusText } from '../common/runStatusText';

export interface HeaderActions {
  stop(key: string): void;
  revealFolder(key: string): void;
}

export class RunHeader {
  readonly element = el('header', { className: 'run-header' });
  private renderedKey = '';
  private progressText: HTMLElement | null = null;
  private readonly stopping = new Set<string>();

  constructor(private readonly actions: HeaderActions) {}

  /** `selector` is the run picker shown when comparing runs. */
  update(run: RunView, selector: HTMLElement | null): void {
    const state = run.state;
    const stopping = this.stopping.has(run.key) && state.status === 'running';
    // Rebuild only when something the header shows changed, not on every batch.
    const key = [
      run.key,
      run.label,
      run.controllable,
      run.outsideWorkspace.length,
      state.status,
      state.runId,
      state.backend,
      state.seconds,
      state.error,
      state.errorKind,
      stopping,
      Boolean(selector),
    ].join('|');
    const parts = [state.evaluations, state.comparison, state.target, state.source];
    if (key !== this.renderedKey || parts.some((part, index) => part !== this.renderedParts[index])) {
      this.renderedKey = key;
      this.renderedParts = parts;
      this.render(run, selector, stopping);
    }
    if (this.progressText) this.progressText.textContent = progressLine(state);
  }

  private renderedParts: unknown[] = [];

  private render(run: RunView, selector: HTMLElement | null, stopping: boolean): void {
    const state = run.state;
    const running = state.status === 'running';
    const actions: Child[] = [];
    if (run.controllable && running) {
      const stop = toolkitButton(
        {
          label: stopping ? 'Stopping…' : 'Stop',
          appearance: 'primary',
          ariaLabel: 'Stop this run',
          className: 'stop-button',
        },
        () => {
          this.stopping.add(run.key);
          this.actions.stop(run.key);
          this.renderedKey = '';
          this.update(run, selector);
        },
      );
      if (stopping) stop.setAttribute('disabled', '');
      actions.push(stop);
    }
    actions.push(
      toolkitButton({ label: 'Open run folder', appearance: 'secondary', ariaLabel: 'Reveal the run folder' }, () =>
        this.actions.revealFolder(run.key),
      ),
    );

    this.progressText = running ? el('span', { className: 'progress-text', attrs: { 'aria-live': 'polite' } }) : null;
    const meta: Child[] = [
      el('span', { className: `status-badge status-${state.status}`, attrs: { role: 'status' } }, [
        running ? progressRing('Training') : null,
        el('span', { text: statusText(state) }),
      ]),
      state.backend ? metaItem('Backend', state.backend) : null,
      state.seconds !== null ? metaItem('Took', formatDuration(state.seconds)) : null,
      state.pretrained ? metaItem('Pretrained', state.pretrained) : null,
      this.progressText,
    ];

    replaceChildren(this.element, [
      selector,
      el('div', { className: 'header-top' }, [
        el('div', { className: 'title-block' }, [
          el('h1', { className: 'run-title' }, [
            el('span', { className: 'experiment-name', text: state.experimentName ?? run.label }),
            el('span', { className: 'run-id', text: state.runId ?? '' }),
          ]),
          el('div', { className: 'meta-row' }, meta),
        ]),
        el('div', { className: 'header-actions' }, actions),
      ]),
      renderFailure(state),
      renderOutsideWorkspace(run.outsideWorkspace),
      renderHeadline(state),
      renderDataSizes(state),
    ]);
  }
}

/** What went wrong and, where the run says why (errorKind), what to do about it. */
function renderFailure(state: RunState): HTMLElement | null {
  if (!state.error && state.errorKind === null) return null;
  return el('div', { className: 'run-failure' }, [
    state.error ? el('p', { className: 'run-error', text: state.error, attrs: { role: 'alert' } }) : null,
    state.errorKind === null
      ? null
      : el('p', { className: 'run-error-advice', text: errorKindAdvice(state.errorKind) }),
  ]);
}

/** Paths outside the workspace are allowed, and said: `Outside the workspace: target data /data/x`. */
function renderOutsideWorkspace(paths: RunView['outsideWorkspace']): HTMLElement | null {
  if (paths.length === 0) return null;
  return el(
    'div',
    { className: 'outside-workspace', attrs: { role: 'note', 'aria-label': 'Paths outside the workspace' } },
    [
      el('span', { className: 'outside-workspace-label', text: 'Outside the workspace: ' }),
      ...paths.flatMap(({ what, path }, index) => [
        index > 0 ? ' · ' : null,
        el('span', { className: 'outside-workspace-item' }, [
          `${what} `,
          el('code', { className: 'outside-workspace-path', text: path, attrs: { title: path } }),
        ]),
      ]),
    ],
  );
}

function metaItem(label: string, value: string): HTMLElement {
  return el('span', { className: 'meta-item' }, [
    el('span', { className: 'meta-label', text: `${label} ` }),
    el('span', { className: 'meta-value', text: value }),
  ]);
}

/** `Fine-tune · epoch 3 of 6 · batch 2 of 2`, while running. */
export function progressLine(state: RunState): string {
  if (state.status !== 'running') return '';
  const phase = state.currentPhase;
  if (!phase) return 'Starting…';
  const info = state.phases[phase];
  const parts = [phaseLabel(phase)];
  const batch = state.lastBatch;
  if (batch && batch.phase === phase)
    parts.push(`epoch ${batch.epoch} of ${info?.epochs ?? '?'}`, `batch ${batch.batch} of ${batch.batches}`);
  else if (info && info.epochs > 0) parts.push(`epoch ${Math.min(info.epochsDone + 1, info.epochs)} of ${info.epochs}`);
  return parts.join(' · ');
}

const GAINS = [
  { key: 'auc', label: 'AUC' },
  { key: 'balancedAccuracy', label: 'Balanced accuracy' },
  { key: 'sensitivity', label: 'Sensitivity' },
] as const;
type GainKey = (typeof GAINS)[number]['key'];

function renderHeadline(state: RunState): HTMLElement {
  const gain = transferGain(state);
  const fineTuned = state.evaluations['fine-tuned'];
  const scratch = state.evaluations.scratch;
  const comparison = state.comparison;
  const split = state.evaluationSplit === 'val' ? 'validation split' : 'test split';
  const positive = fineTuned?.positiveClass ?? null;
  const positiveName = positive === null ? null : (state.target?.classes[positive] ?? null);
  // With an operating point (binary runs since the clinical evaluation), sensitivity and balanced
  // accuracy are those at each model's chosen threshold, as their intervals are.
  const atPoint = Boolean(fineTuned?.operatingPoint && scratch?.operatingPoint);
  const valueOf = (metrics: ClinicalMetrics | undefined, key: GainKey): number | null => {
    if (!metrics) return null;
    if (atPoint && key !== 'auc' && metrics.operatingPoint) return metrics.operatingPoint[key];
    return metrics[key];
  };
  const cards = GAINS.map(({ key, label }) => {
    const interval = comparison?.gain[key] ?? null;
    const value = atPoint && key !== 'auc' ? (interval?.estimate ?? null) : gain ? gain[key] : null;
    const sign = signOf(value);
    const ft = valueOf(fineTuned, key);
    const sc = valueOf(scratch, key);
    const title = key === 'sensitivity' && positiveName ? `${label} (${positiveName})` : label;
    const arrow = sign === 'positive' ? '▲' : sign === 'negative' ? '▼' : sign === 'neutral' ? '●' : '';
    const verdict =
      sign === 'positive'
        ? 'transfer helped'
        : sign === 'negative'
          ? 'transfer hurt'
          : sign === 'neutral'
            ? 'no difference'
            : 'awaiting evaluation';
    const ci = interval ? `95% CI ${formatDifference(interval.low, 2)} to ${formatDifference(interval.high, 2)}` : null;
    const delong = key === 'auc' && comparison?.delong ? `DeLong p ${formatP(comparison.delong.pValue)}` : null;
    const extra = [ci, delong].filter((part): part is string => part !== null);
    return el(
      'div',
      {
        className: `gain-card gain-${sign ?? 'missing'}`,
        attrs: {
          role: 'group',
          'aria-label':
            `${title}: fine-tuned minus scratch ${formatDifference(value, 2)}` +
            `${extra.length > 0 ? ` (${extra.join(', ')})` : ''}, ${verdict}`,
        },
      },
      [
        el('div', { className: 'gain-label', text: title }),
        el('div', { className: 'gain-value' }, [
          el('span', { className: 'gain-arrow', text: arrow, attrs: { 'aria-hidden': 'true' } }),
          el('span', { text: formatDifference(value, 2) }),
        ]),
        extra.length > 0 ? el('div', { className: 'gain-interval', text: extra.join(' · ') }) : null,
        el('div', { className: 'gain-detail' }, [
          el('span', { className: 'model-fine-tuned', text: formatRatio(ft) }),
          ' fine-tuned vs ',
          el('span', { className: 'model-scratch', text: formatRatio(sc) }),
          ' scratch',
        ]),
      ],
    );
  });
  return el('section', { className: 'headline', attrs: { 'aria-label': 'Transfer gain' } }, [
    el('h2', {
      className: 'section-title',
      text: `Transfer gain · fine-tuned − scratch · ${split}${atPoint ? ' · at each model’s threshold' : ''}`,
    }),
    el('div', { className: 'gain-cards' }, cards),
  ]);
}

function renderDataSizes(state: RunState): HTMLElement | null {
  const tables = [
    state.target ? dataTable('Target', state.target) : null,
    state.source ? dataTable('Source', state.source) : null,
  ];
  if (!tables.some(Boolean)) return null;
  return el('section', { className: 'data-sizes', attrs: { 'aria-label': 'Images per class' } }, tables);
}

function dataTable(name: string, dataset: DatasetSummary): HTMLElement {
  const splits = ['train', 'val', 'test'] as const;
  const total = (counts: readonly number[]): number => counts.reduce((sum, value) => sum + value, 0);
  const [height, width, channels] = dataset.imageShape;
  return el(
    'div',
    { className: 'table-scroll', attrs: { role: 'region', 'aria-label': `${name} data`, tabindex: 0 } },
    [
      el('table', { className: 'data-table' }, [
        el('caption', {}, [
          el('span', { className: 'caption-name', text: `${name} data` }),
          el('span', {
            className: 'caption-note',
            text: ` · ${height}×${width}×${channels}`,
            attrs: { title: dataset.description },
          }),
        ]),
        el('thead', {}, [
          el('tr', {}, [
            el('th', { text: 'Split', attrs: { scope: 'col' } }),
            ...dataset.classes.map((name) => el('th', { text: name, attrs: { scope: 'col' } })),
            el('th', { text: 'Total', attrs: { scope: 'col' }, className: 'total' }),
          ]),
        ]),
        el(
          'tbody',
          {},
          splits.map((split) =>
            el('tr', {}, [
              el('th', { text: split, attrs: { scope: 'row' } }),
              ...dataset.classes.map((_, index) =>
                el('td', { text: formatCount(dataset.sizes[split][index] ?? 0), className: 'number' }),
              ),
              el('td', { text: formatCount(total(dataset.sizes[split])), className: 'number total' }),
            ]),
          ),
        ),
      ]),
    ],
  );
}
