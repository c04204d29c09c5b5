// Label lists: a CSV or TSV with one row per image (or volume), as Kaggle and MedMNIST-style
// exports ship them. Paths in it are relative to the table, so a dataset folder can be moved.
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DatasetError } from '../dataset';
import { errorMessage } from '../../../shared/errors/errorMessage';

export type SplitName = 'train' | 'val' | 'test';

export interface LabelRow {
  /** Absolute path of the image or volume. */
  path: string;
  label: string;
  split?: SplitName;
  /** Only used to group rows; never logged (it may be an identifier). */
  patient?: string;
}

export interface LabelColumns {
  imageColumn: string;
  labelColumn: string;
  splitColumn?: string;
  patientColumn?: string;
}

const SPLIT_NAMES: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** The delimiter: tab for .tsv files or when the header has tabs and no commas, else comma. */
function delimiterOf(file: string, text: string): string {
  if (extname(file).toLowerCase() === '.tsv') return '\t';
  const header = text.slice(0, text.indexOf('\n') >>> 0);
  return header.includes('\t') && !header.includes(',') ? '\t' : ',';
}

/** Reads `file` and returns its rows; every problem is a DatasetError naming the file and the row. */
export async function readLabelTable(file: string, columns: LabelColumns): Promise<LabelRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DatasetError(
      `cannot read the label table: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(error)}`,
      file,
    );
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: true,
      delimiter: delimiterOf(file, text),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as Record<string, string>[];
  } catch (error) {
    throw new DatasetError(`not a valid CSV/TSV table: ${errorMessage(error)}`, file);
  }
  if (records.length === 0) throw new DatasetError('the label table has no rows', file);
  const header = Object.keys(records[0] ?? {});
  for (const key of ['imageColumn', 'labelColumn', 'splitColumn', 'patientColumn'] as const) {
    const name = columns[key];
    if (name !== undefined && !header.includes(name)) {
      throw new DatasetError(`no column "${name}" (${key}); the columns are: ${header.join(', ')}`, file);
    }
  }
  const folder = dirname(file);
  return records.map((record, index) => {
    // Row numbers count the header as line 1, as a spreadsheet shows them.
    const where = `row ${index + 2}`;
    const path = record[columns.imageColumn] ?? '';
    const label = record[columns.labelColumn] ?? '';
    if (!path) throw new DatasetError(`${where}: empty ${columns.imageColumn}`, file);
    if (!label) throw new DatasetError(`${where}: empty ${columns.labelColumn}`, file);
    const row: LabelRow = { path: isAbsolute(path) ? path : resolve(folder, path), label };
    if (columns.splitColumn) {
      const value = (record[columns.splitColumn] ?? '').toLowerCase();
      const split = SPLIT_NAMES[value];
      if (!split) throw new DatasetError(`${where}: split "${value}" is not one of train, val, test`, file);
      row.split = split;
    }
    if (columns.patientColumn) {
      const patient = record[columns.patientColumn] ?? '';
      if (!patient) throw new DatasetError(`${where}: empty ${columns.patientColumn}`, file);
      row.patient = patient;
    }
    return row;
  });
}
