// An experiments table (DVC's is the model): a row a run with its status, the settings that
// differ between the runs, AUC with its interval, the gain over scratch and the duration.
// Headers sort, the box filters (`auc>0.8, status=completed`), a click on a row opens the run,
// and the ticked rows open in Compare. Run labels and setting values are untrusted text.
import { el, replaceChildren } from '../common/dom';
import { toolkitButton } from '../common/toolkit';
import { formatDuration, formatSetting, signOf } from '../common/viewFormat';
import { estimateParts, filterRows, sortRows } from './runsTableData';
import type { Estimate, RunsTableData, RunsTableRow, TableSort } from './runsTableData';

export interface RunsTableActions {
  openRun(key: string): void;
  compare(keys: readonly string[]): void;
  setSort(sort: TableSort | null): void;
  setFilter(filter: string): void;
}

export interface RunsTableChoice {
  sort: TableSort | null;
  filter: string;
}

interface ColumnSpec {
  id: string;
  label: string;
  title?: string;
  numeric: boolean;
}

/** A table cell with the estimate, and its interval smaller beside it. */
function estimateCell(className: string, value: Estimate | null, signed = false): HTMLElement {
  const [estimate, interval] = estimateParts(value, signed);
  return el('td', { className: `number ${className}` }, [
    estimate,
    interval ? el('span', { className: 'interval', text: interval }) : null,
  ]);
}

function gainClass(gain: Estimate | null): string {
  if (!gain) return 'delta-missing';
  // Better or worse only when the interval (if any) leaves out 0: otherwise the runs cannot tell.
  if (gain.low !== null && gain.high !== null && gain.low <= 0 && gain.high >= 0) return 'delta-neutral';
  const sign = signOf(gain.estimate);
  return sign === 'positive' ? 'delta-better' : sign === 'negative' ? 'delta-worse' : 'delta-neutral';
}

/** `fineTune.strategy` → `strategy`, unless another column ends the same way. */
export function shortSettingName(key: string, keys: readonly string[]): string {
  const last = key.slice(key.lastIndexOf('.') + 1);
  const clashes = keys.filter((other) => other.slice(other.lastIndexOf('.') + 1) === last).length > 1;
  return clashes ? key : last;
}

export class RunsTableView {
  readonly element: HTMLElement;
  private readonly title = el('h2', { className: 'section-title runs-table-title' });
  private readonly filterInput: HTMLInputElement;
  private readonly filterNote = el('span', { className: 'filter-note', attrs: { role: 'status' } });
  private readonly count = el('span', { className: 'runs-count' });
  private readonly compareButton: HTMLElement;
  private readonly tableHolder = el('div', { className: 'runs-table-holder' });
  private readonly selected = new Set<string>();
  private data: RunsTableData = { settingColumns: [], rows: [] };
  private choice: RunsTableChoice = { sort: null, filter: '' };
  private emptyText = '';

  constructor(
    private readonly actions: RunsTableActions,
    initial: RunsTableChoice,
  ) {
    this.choice = initial;
    this.filterInput = el('input', {
      className: 'runs-filter',
      attrs: {
        type: 'search',
        value: initial.filter,
        placeholder: 'Filter: text, or auc>0.8, status=completed, labelsPerClass<=20',
        'aria-label': 'Filter runs',
        spellcheck: 'false',
      },
    });
    this.filterInput.value = initial.filter;
    this.filterInput.addEventListener('input', () => this.actions.setFilter(this.filterInput.value));
    this.compareButton = toolkitButton(
      { label: 'Compare Runs', className: 'compare-runs-button', title: 'Tick two or more runs to compare them' },
      () => {
        const keys = this.visibleSelection();
        if (keys.length >= 2) this.actions.compare(keys);
      },
    );
    this.element = el('div', { className: 'runs-table-view' }, [
      this.title,
      el('div', { className: 'toolbar runs-toolbar' }, [this.filterInput, this.count, this.compareButton]),
      this.filterNote,
      this.tableHolder,
    ]);
  }

  update(
    title: string,
    data: RunsTableData,
    choice: RunsTableChoice,
    emptyText = 'This experiment has no runs yet.',
  ): void {
    this.title.textContent = title;
    this.emptyText = emptyText;
    this.data = data;
    this.choice = choice;
    if (this.filterInput.value !== choice.filter && document.activeElement !== this.filterInput)
      this.filterInput.value = choice.filter;
    const known = new Set(data.rows.map((row) => row.key));
    for (const key of [...this.selected]) if (!known.has(key)) this.selected.delete(key);
    this.render();
  }

  private visibleSelection(): string[] {
    const { rows } = filterRows(this.data, this.data.rows, this.choice.filter);
    return rows.filter((row) => row.openable && this.selected.has(row.key)).map((row) => row.key);
  }

  private columns(): ColumnSpec[] {
    return [
      { id: 'run', label: 'Run', numeric: false },
      { id: 'status', label: 'Status', numeric: false },
      ...this.data.settingColumns.map((key) => ({
        id: `setting:${key}`,
        label: shortSettingName(key, this.data.settingColumns),
        title: key,
        numeric: false,
      })),
      { id: 'auc', label: 'AUC', title: 'Fine-tuned AUC [95% interval]', numeric: true },
      { id: 'scratch', label: 'AUC scratch', title: 'Scratch AUC [95% interval]', numeric: true },
      { id: 'gain', label: 'Gain', title: 'Fine-tuned minus scratch AUC [95% interval]', numeric: true },
      { id: 'duration', label: 'Duration', numeric: true },
    ];
  }

  private render(): void {
    const sorted = sortRows(this.data, this.choice.sort);
    const { rows, unknownColumns } = filterRows(this.data, sorted, this.choice.filter);
    const total = this.data.rows.length;
    this.count.textContent =
      rows.length === total ? `${total} run${total === 1 ? '' : 's'}` : `${rows.length} of ${total} runs`;
    this.filterNote.textContent =
      unknownColumns.length === 0 ? '' : `No column named ${unknownColumns.join(', ')}: that condition is ignored.`;
    const selection = this.visibleSelection();
    if (selection.length >= 2) this.compareButton.removeAttribute('disabled');
    else this.compareButton.setAttribute('disabled', '');
    this.compareButton.textContent = selection.length >= 2 ? `Compare ${selection.length} Runs` : 'Compare Runs';
    if (total === 0) {
      replaceChildren(this.tableHolder, [
        el('p', { className: 'empty-note', text: 'This experiment has no runs yet.' }),
      ]);
      return;
    }
    const columns = this.columns();
    const table = el('table', { className: 'metrics-table runs-table' }, [
      el('thead', {}, [
        el('tr', {}, [
          el('th', { attrs: { scope: 'col' } }, [this.selectAll(rows)]),
          ...columns.map((c) => this.header(c)),
        ]),
      ]),
      el(
        'tbody',
        {},
        rows.map((row) => this.row(row, columns)),
      ),
    ]);
    replaceChildren(this.tableHolder, [
      el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Runs', tabindex: 0 } }, [table]),
      rows.length === 0 ? el('p', { className: 'empty-note', text: 'No run matches the filter.' }) : null,
    ]);
  }

  private selectAll(shown: readonly RunsTableRow[]): HTMLElement {
    const rows = shown.filter((row) => row.openable);
    const box = el('input', { attrs: { type: 'checkbox', 'aria-label': 'Select all shown runs' } });
    const ticked = rows.filter((row) => this.selected.has(row.key)).length;
    box.checked = rows.length > 0 && ticked === rows.length;
    box.indeterminate = ticked > 0 && ticked < rows.length;
    box.addEventListener('change', () => {
      for (const row of rows) {
        if (box.checked) this.selected.add(row.key);
        else this.selected.delete(row.key);
      }
      this.render();
    });
    return box;
  }

  private header(column: ColumnSpec): HTMLElement {
    const sort = this.choice.sort;
    const active = sort?.column === column.id;
    const ariaSort = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
    const button = el(
      'button',
      {
        className: 'sort-button',
        attrs: { type: 'button', title: column.title ?? `Sort by ${column.label}`, 'data-column': column.id },
      },
      [column.label, el('span', { className: 'sort-mark', text: active ? (sort.descending ? ' ▼' : ' ▲') : '' })],
    );
    // Numbers start high (the best AUC first), text starts A–Z; a third click clears the sort.
    button.addEventListener('click', () => {
      const first = column.numeric;
      if (!active) this.actions.setSort({ column: column.id, descending: first });
      else if (sort.descending === first) this.actions.setSort({ column: column.id, descending: !first });
      else this.actions.setSort(null);
    });
    return el('th', { className: column.numeric ? 'number' : '', attrs: { scope: 'col', 'aria-sort': ariaSort } }, [
      button,
    ]);
  }

  private row(row: RunsTableRow, columns: readonly ColumnSpec[]): HTMLElement {
    const box = el('input', {
      attrs: { type: 'checkbox', 'aria-label': `Select ${row.label}`, disabled: !row.openable },
    });
    box.checked = row.openable && this.selected.has(row.key);
    box.addEventListener('change', () => {
      if (box.checked) this.selected.add(row.key);
      else this.selected.delete(row.key);
      this.render();
    });
    // A study's run that has not started has no folder to open yet.
    const open = row.openable
      ? el('button', { className: 'link-button open-run', text: row.label, attrs: { type: 'button' } })
      : el('span', { className: 'run-label', text: row.label });
    const cells = columns.map((column): HTMLElement => {
      switch (column.id) {
        case 'run':
          return el('th', { attrs: { scope: 'row' } }, [open]);
        case 'status':
          return el('td', { className: `status status-${row.status}`, text: row.statusText });
        case 'auc':
          return estimateCell('auc', row.aucFineTuned);
        case 'scratch':
          return estimateCell('auc-scratch', row.aucScratch);
        case 'gain':
          return estimateCell(`delta gain ${gainClass(row.gain)}`, row.gain, true);
        case 'duration':
          return el('td', { className: 'number duration', text: formatDuration(row.seconds) });
      }
      const index = this.data.settingColumns.indexOf(column.id.slice('setting:'.length));
      const value = row.settings[index];
      return el('td', {
        className: `setting ${typeof value === 'number' ? 'number' : ''}`,
        text: formatSetting(value),
        attrs: { 'data-setting': column.id.slice('setting:'.length) },
      });
    });
    const tr = el('tr', { className: row.openable ? 'run-row' : 'run-row pending', attrs: { 'data-run': row.key } }, [
      el('td', { className: 'select-cell' }, [box]),
      ...cells,
    ]);
    tr.addEventListener('click', (event) => {
      // Ticking a box (or missing it by a little) selects; anywhere else on the row opens the run.
      if (!row.openable || (event.target instanceof Element && event.target.closest('.select-cell'))) return;
      this.actions.openRun(row.key);
    });
    return tr;
  }
}
