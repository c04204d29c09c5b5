// Datasets listed in a label table: `csv` (PNG/JPEG/DICOM images), and `dicom`/`nifti` with
// `labels`. Classes are the table's distinct labels, sorted (code-unit order, locale-free).
import { basename, dirname } from 'node:path';
import type { LoadedDataset } from '../dataset';
import { DatasetError } from '../dataset';
import { decodeEntries } from '../decodeEntries';
import type { Decoded, DecodeOptions, Entry } from '../decodeEntries';
import { readLabelTable } from './readLabelTable';
import type { LabelColumns } from './readLabelTable';

export async function loadTable(
  table: string,
  columns: LabelColumns,
  decode: (bytes: Uint8Array, name: string) => Decoded,
  options: Omit<DecodeOptions, 'root' | 'classes' | 'name' | 'groupedBy'> & { name?: string; volumes?: boolean },
): Promise<LoadedDataset> {
  const rows = await readLabelTable(table, columns);
  const classes = [...new Set(rows.map((row) => row.label))].sort();
  if (classes.length < 2)
    throw new DatasetError(
      `only one label (${classes[0] ?? ''}) in column "${columns.labelColumn}"; a classifier needs at least two`,
      table,
    );
  const labelOf = new Map(classes.map((name, index) => [name, index]));
  const entries: Entry[] = rows.map((row) => ({
    path: row.path,
    label: labelOf.get(row.label) ?? 0,
    ...(row.split ? { split: row.split } : {}),
    ...(row.patient !== undefined ? { group: `patient:${row.patient}` } : {}),
  }));
  const groupedBy = columns.patientColumn ? 'patient' : options.volumes ? 'volume' : undefined;
  return decodeEntries(entries, decode, {
    ...options,
    root: dirname(table),
    classes,
    name: options.name ?? basename(table),
    ...(groupedBy ? { groupedBy } : {}),
  });
}
