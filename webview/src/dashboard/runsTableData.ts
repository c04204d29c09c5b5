// The rows of an experiments table (a row a run) and how they sort and filter. Pure: the view
// (runsTable.ts) draws what this returns, and unit tests check it without a DOM.
import type { Interval } from '../../../src/shared/run/metrics';
import type { RunStatus } from '../../../src/shared/run/runState';
import { transferGain } from '../../../src/shared/run/runState';
import type { RunView } from '../common/runCollection';
import { STATUS_LABELS, statusText } from '../common/runStatusText';
import type { StudyRecord } from '../../../src/shared/study/studyRecord';
import { formatVaryValue } from '../../../src/shared/study/studyPoints';
import { formatDifference, formatRatio, MISSING } from '../common/viewFormat';
import type { SettingValue } from './settingsDiff';
import { differingSettings } from './settingsDiff';

/** A point estimate with the interval around it when the run has one. */
export interface Estimate {
  estimate: number;
  low: number | null;
  high: number | null;
}

export interface RunsTableRow {
  /** The run folder; for a study's run not started yet, `point/seed` (and `openable` false). */
  key: string;
  label: string;
  /** `pending`: a study's run not started yet. */
  status: RunStatus | 'pending';
  /** Whether a run folder exists to open (and compare). */
  openable: boolean;
  statusText: string;
  /** The values of the table's setting columns, in their order. */
  settings: SettingValue[];
  aucFineTuned: Estimate | null;
  aucScratch: Estimate | null;
  /** Fine-tuned minus scratch AUC (the paired bootstrap's interval when the run has the comparison). */
  gain: Estimate | null;
  seconds: number | null;
  startedAt: string | null;
}

export interface RunsTableData {
  /** Dotted keys of the settings that differ between the runs (or that a study varies). */
  settingColumns: string[];
  rows: RunsTableRow[];
}

/** Fixed columns; a setting column is `setting:<dotted key>`. */
export const FIXED_COLUMNS = ['run', 'status', 'auc', 'scratch', 'gain', 'duration'] as const;
export type FixedColumn = (typeof FIXED_COLUMNS)[number];
export type TableColumn = FixedColumn | `setting:${string}`;

export interface TableSort {
  column: string;
  descending: boolean;
}

function estimate(point: number | null | undefined, interval: Interval | null | undefined): Estimate | null {
  if (point === null || point === undefined || !Number.isFinite(point)) return null;
  return { estimate: point, low: interval?.low ?? null, high: interval?.high ?? null };
}

/** `settingColumns`: the columns to show; by default the settings that differ between the runs. */
export function buildRunsTable(runs: readonly RunView[], settingColumns?: readonly string[]): RunsTableData {
  const columns = settingColumns ?? differingSettings(runs.map((run) => run.settings)).map((setting) => setting.key);
  const rows = runs.map((run): RunsTableRow => {
    const settings = columns.map((column) => (Object.hasOwn(run.settings, column) ? run.settings[column] : undefined));
    return runRow(run, settings);
  });
  return { settingColumns: [...columns], rows };
}

function runRow(run: RunView, settings: SettingValue[]): RunsTableRow {
  const { state } = run;
  const fineTuned = state.evaluations['fine-tuned'];
  const scratch = state.evaluations.scratch;
  const pairedGain = state.comparison?.gain.auc ?? null;
  return {
    key: run.key,
    label: run.label,
    status: state.status,
    openable: true,
    statusText: statusText(state),
    settings,
    aucFineTuned: estimate(fineTuned?.auc, fineTuned?.intervals?.auc),
    aucScratch: estimate(scratch?.auc, scratch?.intervals?.auc),
    gain: pairedGain ? estimate(pairedGain.estimate, pairedGain) : estimate(transferGain(state)?.auc, null),
    seconds: state.seconds,
    startedAt: state.startedAt,
  };
}

/** The seed column of a study's table, after its varied keys. */
export const SEED_COLUMN = 'seed';

/**
 * A study's table: every run study.json lists (point by point, seed by seed), started or not, with
 * the point's value of each varied key (`all` as the study file says it) and the seed as columns.
 */
export function buildStudyTable(record: StudyRecord, runs: readonly RunView[]): RunsTableData {
  const byKey = new Map(runs.map((run) => [run.key, run]));
  const points = new Map(record.points.map((point) => [point.id, point]));
  const rows = record.runs.map((entry): RunsTableRow => {
    const point = points.get(entry.point);
    const settings: SettingValue[] = [
      ...record.varied.map((key) => {
        const value = point?.values[key];
        return value === undefined || typeof value === 'number' ? value : formatVaryValue(value);
      }),
      entry.seed,
    ];
    const run = entry.runDir === null ? undefined : byKey.get(entry.runDir);
    if (run) return runRow(run, settings);
    const status = entry.status;
    return {
      key: entry.runDir ?? `${entry.point}/${entry.seed}`,
      label: `${point?.label ?? entry.point} · seed ${entry.seed}`,
      status,
      openable: false,
      statusText: status === 'pending' ? 'Pending' : STATUS_LABELS[status],
      settings,
      aucFineTuned: null,
      aucScratch: null,
      gain: null,
      seconds: entry.seconds,
      startedAt: null,
    };
  });
  return { settingColumns: [...record.varied, SEED_COLUMN], rows };
}

/** The estimate (`0.91`) and its interval (` [0.86, 0.95]`, or '' without one). */
export function estimateParts(value: Estimate | null, signed: boolean): [string, string] {
  if (!value) return [MISSING, ''];
  const format = (number: number): string => (signed ? formatDifference(number, 2) : formatRatio(number));
  const interval = value.low !== null && value.high !== null ? ` [${format(value.low)}, ${format(value.high)}]` : '';
  return [format(value.estimate), interval];
}

/** `0.91 [0.86, 0.95]`; without an interval, the estimate alone. */
export function formatEstimate(value: Estimate | null, signed = false): string {
  return estimateParts(value, signed).join('');
}

type CellValue = string | number | boolean | null | undefined;

/** The value a column sorts and filters on. */
export function cellValue(row: RunsTableRow, column: string, settingColumns: readonly string[]): CellValue {
  switch (column) {
    case 'run':
      return row.label;
    case 'status':
      return row.statusText;
    case 'auc':
      return row.aucFineTuned?.estimate;
    case 'scratch':
      return row.aucScratch?.estimate;
    case 'gain':
      return row.gain?.estimate;
    case 'duration':
      return row.seconds;
  }
  const index = column.startsWith('setting:') ? settingColumns.indexOf(column.slice('setting:'.length)) : -1;
  return index < 0 ? undefined : row.settings[index];
}

/** Missing values last whichever the direction; numbers before text; text in natural order (run2 < run10). */
function compareValues(a: CellValue, b: CellValue): number {
  const missingA = a === null || a === undefined;
  const missingB = b === null || b === undefined;
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** Stable: equal rows keep their order (newest run first, as the host sends them). */
export function sortRows(data: RunsTableData, sort: TableSort | null): RunsTableRow[] {
  if (sort === null) return [...data.rows];
  const direction = sort.descending ? -1 : 1;
  return data.rows
    .map((row, index) => ({ row, index, value: cellValue(row, sort.column, data.settingColumns) }))
    .sort((a, b) => {
      const missing = (a.value ?? null) === null || (b.value ?? null) === null;
      const order = compareValues(a.value, b.value);
      return (missing ? order : order * direction) || a.index - b.index;
    })
    .map((entry) => entry.row);
}

/** Names a filter may use for the fixed columns (`auc>0.8`, `status=failed`). */
const COLUMN_ALIASES: Readonly<Record<string, FixedColumn>> = {
  run: 'run',
  status: 'status',
  auc: 'auc',
  scratch: 'scratch',
  gain: 'gain',
  duration: 'duration',
  seconds: 'duration',
};

const CONDITION = /^([\w.[\]-]+)\s*(<=|>=|!=|<|>|=)\s*(.+)$/;

type Condition =
  | { kind: 'text'; text: string }
  | { kind: 'compare'; column: string; operator: string; value: string }
  | { kind: 'unknown-column'; name: string };

function parseCondition(term: string, settingColumns: readonly string[]): Condition {
  const match = CONDITION.exec(term);
  if (!match) return { kind: 'text', text: term.toLowerCase() };
  const [, name = '', operator = '=', value = ''] = match;
  const fixed = COLUMN_ALIASES[name.toLowerCase()];
  if (fixed) return { kind: 'compare', column: fixed, operator, value: value.trim() };
  if (settingColumns.includes(name))
    return { kind: 'compare', column: `setting:${name}`, operator, value: value.trim() };
  // A setting named by its last part (`labelsPerClass>10`), when only one column ends with it.
  const bySuffix = settingColumns.filter((column) => column.endsWith(`.${name}`));
  if (bySuffix.length === 1 && bySuffix[0])
    return { kind: 'compare', column: `setting:${bySuffix[0]}`, operator, value: value.trim() };
  return { kind: 'unknown-column', name };
}

function matches(actual: CellValue, operator: string, wanted: string): boolean {
  if (actual === null || actual === undefined) return operator === '!=';
  const number = Number(wanted);
  if (typeof actual === 'number' && wanted !== '' && Number.isFinite(number)) {
    switch (operator) {
      case '<':
        return actual < number;
      case '<=':
        return actual <= number;
      case '>':
        return actual > number;
      case '>=':
        return actual >= number;
      case '=':
        return actual === number;
      default:
        return actual !== number;
    }
  }
  const text = String(actual).toLowerCase();
  const target = wanted.toLowerCase();
  if (operator === '=') return text === target || text.startsWith(`${target} ·`);
  if (operator === '!=') return !(text === target || text.startsWith(`${target} ·`));
  return false;
}

export interface FilterResult {
  rows: RunsTableRow[];
  /** Names in conditions that are no column (shown under the filter box). */
  unknownColumns: string[];
}

/**
 * Keeps the rows every comma-separated term matches: `column op value` (`auc>=0.8`,
 * `status=failed`, `labelsPerClass<=20`) compares one column; any other text must appear in the
 * run's label, status or one of its setting values.
 */
export function filterRows(data: RunsTableData, rows: readonly RunsTableRow[], filter: string): FilterResult {
  const terms = filter
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term.length > 0)
    .map((term) => parseCondition(term, data.settingColumns));
  const unknownColumns = terms.flatMap((term) => (term.kind === 'unknown-column' ? [term.name] : []));
  const kept = rows.filter((row) =>
    terms.every((term) => {
      if (term.kind === 'unknown-column') return true;
      if (term.kind === 'compare')
        return matches(cellValue(row, term.column, data.settingColumns), term.operator, term.value);
      const haystack = [row.label, row.statusText, ...row.settings.map((value) => String(value ?? ''))];
      return haystack.some((value) => value.toLowerCase().includes(term.text));
    }),
  );
  return { rows: kept, unknownColumns };
}
