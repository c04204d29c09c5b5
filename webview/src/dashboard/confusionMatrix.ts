// One confusion matrix as a real table: actual classes as row headers, predicted classes as
// column headers, cells shaded by value (correct on the diagonal in one hue, errors in another),
// counts or row shares. Class names are untrusted: text only.
import { el, srOnly } from '../common/dom';
import { formatCount, formatPercent } from '../common/viewFormat';
import { cellIntensities, normalizeRows, rowTotals } from './confusionData';
import { counted } from '../../../src/shared/text/plural';

export interface ConfusionMatrixInput {
  /** e.g. `Fine-tuned`. */
  model: string;
  /** Which data and when, e.g. `test split · final evaluation`. */
  source: string;
  classes: readonly string[];
  matrix: readonly (readonly number[])[];
  normalized: boolean;
  /** CSS class for the model's colour. */
  modelClass: string;
}

export function renderConfusionMatrix(input: ConfusionMatrixInput): HTMLElement {
  const { classes, matrix, normalized } = input;
  const totals = rowTotals(matrix);
  const total = totals.reduce((sum, value) => sum + value, 0);
  const shares = normalizeRows(matrix);
  const intensities = cellIntensities(matrix, normalized);
  const correct = matrix.reduce((sum, row, index) => sum + (row[index] ?? 0), 0);

  const header = el('thead', {}, [
    el('tr', {}, [
      el('td', { className: 'corner', attrs: { rowspan: 2 } }, [
        el('span', { className: 'axis-label', text: 'Actual ↓' }),
      ]),
      el('th', {
        className: 'axis-label predicted-axis',
        text: 'Predicted',
        attrs: { scope: 'colgroup', colspan: classes.length },
      }),
      el('td', { className: 'corner', attrs: { rowspan: 2 } }),
    ]),
    el('tr', {}, [
      ...classes.map((name) => el('th', { className: 'class-name', text: name, attrs: { scope: 'col', title: name } })),
    ]),
  ]);
  const body = el(
    'tbody',
    {},
    matrix.map((row, actual) =>
      el('tr', {}, [
        el('th', { className: 'class-name', attrs: { scope: 'row', title: classes[actual] ?? '' } }, [
          srOnly('Actual '),
          classes[actual] ?? '',
        ]),
        ...row.map((count, predicted) => {
          const share = shares[actual]?.[predicted] ?? null;
          const intensity = intensities[actual]?.[predicted] ?? 0;
          const diagonal = actual === predicted;
          const main = normalized ? formatPercent(share, 0) : formatCount(count);
          const secondary = normalized ? formatCount(count) : formatPercent(share, 0);
          const cell = el(
            'td',
            {
              className: `cell ${diagonal ? 'cell-correct' : 'cell-error'}${intensity > 0.55 ? ' cell-strong' : ''}`,
              attrs: {
                'data-count': count,
                title:
                  `Actual ${classes[actual] ?? ''}, predicted ${classes[predicted] ?? ''}: ` +
                  `${formatCount(count)} (${formatPercent(share)} of the row)`,
              },
            },
            [
              el('span', { className: 'cell-main', text: main }),
              el('span', { className: 'cell-secondary', text: secondary }),
            ],
          );
          cell.style.setProperty('--intensity', intensity.toFixed(3));
          return cell;
        }),
        el('td', {
          className: 'row-total',
          text: formatCount(totals[actual] ?? 0),
          attrs: { title: 'Cases of this class' },
        }),
      ]),
    ),
  );
  const footer = el('tfoot', {}, [
    el('tr', {}, [
      el('th', { text: 'Total', attrs: { scope: 'row' } }),
      ...classes.map((_, predicted) =>
        el('td', {
          className: 'column-total',
          text: formatCount(matrix.reduce((sum, row) => sum + (row[predicted] ?? 0), 0)),
        }),
      ),
      el('td', { className: 'row-total grand-total', text: formatCount(total) }),
    ]),
  ]);
  return el('figure', { className: `matrix ${input.modelClass}` }, [
    el('figcaption', { className: 'matrix-caption' }, [
      el('span', { className: 'matrix-model', text: input.model }),
      el('span', { className: 'matrix-source', text: input.source }),
      el('span', {
        className: 'matrix-summary',
        text:
          `${counted(total, 'case', { format: formatCount })} · ` +
          `${formatPercent(total === 0 ? null : correct / total)} correct`,
      }),
    ]),
    el(
      'div',
      {
        className: 'table-scroll',
        attrs: { role: 'region', tabindex: 0, 'aria-label': `${input.model} confusion matrix, ${input.source}` },
      },
      [
        el('table', { className: 'confusion', attrs: { 'data-model': input.model, 'data-total': total } }, [
          el('caption', {
            className: 'sr-only',
            text: `${input.model} confusion matrix, ${input.source}. Rows: actual class; columns: predicted class.`,
          }),
          header,
          body,
          footer,
        ]),
      ],
    ),
  ]);
}
