// The Per class tab: overall metrics and one-vs-rest metrics per class, for both models, side by
// side. Missing values (a class never predicted has no precision) show as "–".
import type { ClassMetrics, ClinicalMetrics, Interval } from '../../../src/shared/run/metrics';
import type { RunState } from '../../../src/shared/run/runState';
import { el, replaceChildren } from '../common/dom';
import { formatCount, formatRatio, formatDifference, MISSING, signOf } from '../common/viewFormat';

const CLASS_METRICS = [
  { key: 'sensitivity', label: 'Sensitivity', title: 'Recall: share of this class found' },
  { key: 'specificity', label: 'Specificity', title: 'Share of the other classes not called this class' },
  { key: 'precision', label: 'Precision', title: 'Positive predictive value' },
  { key: 'npv', label: 'NPV', title: 'Negative predictive value' },
  { key: 'f1', label: 'F1', title: 'Harmonic mean of precision and sensitivity' },
  { key: 'auc', label: 'AUC', title: 'One-vs-rest ROC AUC' },
] as const satisfies readonly { key: keyof ClassMetrics; label: string; title: string }[];

const OVERALL_METRICS = [
  { key: 'auc', label: 'AUC', higherIsBetter: true },
  { key: 'balancedAccuracy', label: 'Balanced accuracy', higherIsBetter: true },
  { key: 'accuracy', label: 'Accuracy', higherIsBetter: true },
  { key: 'sensitivity', label: 'Sensitivity', higherIsBetter: true },
  { key: 'specificity', label: 'Specificity', higherIsBetter: true },
  { key: 'loss', label: 'Loss', higherIsBetter: false },
] as const satisfies readonly { key: keyof ClinicalMetrics; label: string; higherIsBetter: boolean }[];

export class PerClassView {
  readonly element = el('div', { className: 'per-class-view' });
  private rendered: RunState['evaluations'] | null = null;

  update(state: RunState): void {
    if (this.rendered === state.evaluations) return;
    this.rendered = state.evaluations;
    const fineTuned = state.evaluations['fine-tuned'] ?? null;
    const scratch = state.evaluations.scratch ?? null;
    if (!fineTuned && !scratch) {
      replaceChildren(this.element, [
        el('p', {
          className: 'empty-note',
          text:
            state.status === 'running' ? 'The models have not been evaluated yet.' : 'This run recorded no evaluation.',
        }),
      ]);
      return;
    }
    const split = state.evaluationSplit === 'val' ? 'validation split' : 'test split';
    const positive = fineTuned?.positiveClass ?? scratch?.positiveClass ?? null;
    const positiveName =
      positive === null ? null : (state.target?.classes[positive] ?? fineTuned?.perClass[positive]?.className ?? null);
    replaceChildren(this.element, [
      el('section', { className: 'table-section' }, [
        el('h2', { className: 'section-title', text: `Overall · ${split}` }),
        overallTable(fineTuned, scratch, positiveName),
      ]),
      el('section', { className: 'table-section' }, [
        el('h2', { className: 'section-title', text: `Per class · one-vs-rest · ${split}` }),
        el('p', {
          className: 'table-note',
          text:
            'FT: fine-tuned · Scr: scratch · the better of the two in bold · ' +
            'at the argmax; below a value, its 95% bootstrap CI',
        }),
        perClassTable(fineTuned, scratch),
      ]),
    ]);
  }
}

function overallTable(
  fineTuned: ClinicalMetrics | null,
  scratch: ClinicalMetrics | null,
  positiveName: string | null,
): HTMLElement {
  const rows = OVERALL_METRICS.flatMap(({ key, label, higherIsBetter }) => {
    const ft = fineTuned?.[key] ?? null;
    const sc = scratch?.[key] ?? null;
    if (ft === null && sc === null && (key === 'sensitivity' || key === 'specificity')) return [];
    const difference = ft === null || sc === null ? null : ft - sc;
    const sign = signOf(difference);
    const good =
      sign === null || sign === 'neutral' ? sign : (sign === 'positive') === higherIsBetter ? 'better' : 'worse';
    const name =
      (key === 'sensitivity' || key === 'specificity') && positiveName ? `${label} (${positiveName})` : label;
    return [
      el('tr', {}, [
        el('th', { text: name, attrs: { scope: 'row' } }),
        el('td', { className: 'number', text: formatRatio(ft, key === 'loss' ? 3 : 3) }),
        el('td', { className: 'number', text: formatRatio(sc, 3) }),
        el('td', { className: `number delta delta-${good ?? 'missing'}`, text: formatDifference(difference, 3) }),
      ]),
    ];
  });
  return scrollable(
    'Overall metrics',
    el('table', { className: 'metrics-table overall-table' }, [
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: 'Metric', attrs: { scope: 'col' } }),
          el('th', { className: 'model-fine-tuned', text: 'Fine-tuned', attrs: { scope: 'col' } }),
          el('th', { className: 'model-scratch', text: 'Scratch', attrs: { scope: 'col' } }),
          el('th', { text: 'Difference', attrs: { scope: 'col' } }),
        ]),
      ]),
      el('tbody', {}, rows),
    ]),
  );
}

function perClassTable(fineTuned: ClinicalMetrics | null, scratch: ClinicalMetrics | null): HTMLElement {
  const classCount = Math.max(fineTuned?.perClass.length ?? 0, scratch?.perClass.length ?? 0);
  const rows = Array.from({ length: classCount }, (_, index) => {
    const ft = fineTuned?.perClass[index] ?? null;
    const sc = scratch?.perClass[index] ?? null;
    const name = ft?.className ?? sc?.className ?? `class ${index + 1}`;
    return el('tr', { attrs: { 'data-class': name } }, [
      el('th', { text: name, attrs: { scope: 'row' } }),
      el('td', { className: 'number', text: ft ? formatCount(ft.support) : sc ? formatCount(sc.support) : MISSING }),
      ...CLASS_METRICS.flatMap(({ key }) => {
        const a = ft?.[key] ?? null;
        const b = sc?.[key] ?? null;
        const better = a !== null && b !== null && a !== b ? (a > b ? 0 : 1) : null;
        return [
          metricCell(a, classInterval(fineTuned, index, key), `number${better === 0 ? ' better' : ''}`, {
            'data-metric': key,
            'data-model': 'fine-tuned',
          }),
          metricCell(b, classInterval(scratch, index, key), `number group-end${better === 1 ? ' better' : ''}`, {
            'data-metric': key,
            'data-model': 'scratch',
          }),
        ];
      }),
    ]);
  });
  return scrollable(
    'Per-class metrics',
    el('table', { className: 'metrics-table per-class-table' }, [
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: 'Class', attrs: { scope: 'col', rowspan: 2 } }),
          el('th', {
            text: 'Cases',
            attrs: { scope: 'col', rowspan: 2, title: 'Support: cases of this class in the split' },
          }),
          ...CLASS_METRICS.map(({ label, title }) =>
            el('th', { className: 'group-end', text: label, attrs: { scope: 'colgroup', colspan: 2, title } }),
          ),
        ]),
        el(
          'tr',
          {},
          CLASS_METRICS.flatMap(() => [
            el('th', {
              className: 'model-fine-tuned sub',
              text: 'FT',
              attrs: { scope: 'col', title: 'Fine-tuned', 'aria-label': 'Fine-tuned' },
            }),
            el('th', {
              className: 'model-scratch sub group-end',
              text: 'Scr',
              attrs: { scope: 'col', title: 'Scratch', 'aria-label': 'Scratch' },
            }),
          ]),
        ),
      ]),
      el('tbody', {}, rows),
    ]),
  );
}

/** The bootstrap interval of a class's AUC, sensitivity or specificity, when the run has them. */
function classInterval(metrics: ClinicalMetrics | null, index: number, key: keyof ClassMetrics): Interval | null {
  if (key !== 'auc' && key !== 'sensitivity' && key !== 'specificity') return null;
  return metrics?.intervals?.perClass?.[index]?.[key] ?? null;
}

/**
 * A value, with its 95% CI on a second, smaller line where there is one. The CI is drawn from
 * `data-ci` by CSS, so the cell's text stays the value (for copying and for the tests).
 */
function metricCell(
  value: number | null,
  interval: Interval | null,
  className: string,
  attrs: Record<string, string>,
): HTMLElement {
  if (!interval) return el('td', { className, text: formatRatio(value, 3), attrs });
  const range = `${interval.low.toFixed(3)}–${interval.high.toFixed(3)}`;
  return el('td', {
    className: `${className} with-ci`,
    text: formatRatio(value, 3),
    attrs: { ...attrs, 'data-ci': range, title: `95% CI ${range}` },
  });
}

function scrollable(label: string, table: HTMLElement): HTMLElement {
  return el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': label, tabindex: 0 } }, [table]);
}
