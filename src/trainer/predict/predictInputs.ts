// The images `predict` answers for: files named on the command line, every image in the folders
// named there (recursively), and the paths a CSV list gives. Each keeps the path it is shown by,
// relative to where it was found: as typed for a file, the folder as typed joined to the file's
// place inside it, as listed for a CSV row; never a value read from the file.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { errorMessage } from '../../shared/errors/errorMessage';
import { isDicom } from '../data/dicom/readDicom';

export interface PredictInput {
  /** Absolute path. */
  file: string;
  /** The path written in the output. */
  shown: string;
}

export interface SkippedInput {
  shown: string;
  reason: string;
}

export interface InputListing {
  inputs: PredictInput[];
  skipped: SkippedInput[];
  /** Files in the named folders that are no images by name (text, CSV…): left out without a word each. */
  ignored: number;
}

/** What a folder's files must be named to be taken: the formats the decoders read. */
const IMAGE_NAME = /\.(png|jpe?g|dcm|dicom|nii|nii\.gz)$/i;

/** Column names that mark a CSV list's first row as its header, and the column holding the paths. */
const PATH_COLUMNS = ['path', 'file', 'filename', 'file_name', 'image', 'image_path', 'filepath'];

/** DICOM files often have no extension (IM0001): such a file is taken when it has the DICM preamble. */
function isExtensionlessDicom(file: string): boolean {
  if (extname(file) !== '') return false;
  // isDicom wants a byte past the preamble and its DICM.
  const bytes = new Uint8Array(133);
  let read = 0;
  try {
    const descriptor = openSync(file, 'r');
    try {
      read = readSync(descriptor, bytes, 0, bytes.length, 0);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    return false;
  }
  return read === bytes.length && isDicom(bytes);
}

function walkFolder(folder: string, shown: string, listing: InputListing): void {
  const entries = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const file = join(folder, entry.name);
    const name = join(shown, entry.name);
    if (entry.isDirectory()) walkFolder(file, name, listing);
    else if (IMAGE_NAME.test(entry.name) || isExtensionlessDicom(file)) listing.inputs.push({ file, shown: name });
    else listing.ignored++;
  }
}

/** A named path: a file is taken whatever it is (a bad one is skipped when decoded), a folder walked. */
function addPath(file: string, shown: string, listing: InputListing): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(file).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    listing.skipped.push({ shown, reason: code === 'ENOENT' ? 'no such file or folder' : errorMessage(error) });
    return;
  }
  if (isFolder) walkFolder(file, shown, listing);
  else listing.inputs.push({ file, shown });
}

/** The paths of a CSV list: the `path` (or file, image…) column when the first row names one, else the first. */
async function csvPaths(csvFile: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(csvFile, 'utf8');
  } catch (error) {
    throw new Error(`${csvFile}: cannot read the list: ${errorMessage(error)}`);
  }
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, relax_column_count: true, trim: true, bom: true });
  } catch (error) {
    throw new Error(`${csvFile}: not a readable CSV list: ${errorMessage(error)}`);
  }
  const header = (rows[0] ?? []).map((cell) => cell.toLowerCase());
  const column = header.findIndex((cell) => PATH_COLUMNS.includes(cell));
  const body = column >= 0 ? rows.slice(1) : rows;
  return body.map((row) => row[Math.max(column, 0)] ?? '').filter((path) => path !== '');
}

/**
 * The inputs in the order given. Relative paths on the command line are from `cwd`; in a CSV list,
 * from the list's folder (as label tables are), so a list can move with its images.
 */
export async function listPredictInputs(
  paths: readonly string[],
  csvFile: string | undefined,
  cwd: string,
): Promise<InputListing> {
  const listing: InputListing = { inputs: [], skipped: [], ignored: 0 };
  for (const path of paths) addPath(resolve(cwd, path), path, listing);
  if (csvFile !== undefined) {
    const list = resolve(cwd, csvFile);
    for (const path of await csvPaths(list)) addPath(resolve(dirname(list), path), path, listing);
  }
  return listing;
}
