// What `validate` (and `run`, before anything else) can say about a `pretrained` weight file
// cheaply, at the line that names it: that it exists, that it is a weight file MedTransfer reads,
// and, for a .safetensors file whose header alone tells, that it holds the experiment's
// architecture. A PyTorch file's tensors are matched when the run loads it, before any training.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { SourcePosition } from '../../shared/experiment/validatedYaml';
import type { Architecture } from '../../shared/experiment/schema';
import { indexDocument } from '../../shared/experiment/documentIndex';
import { pretrainedArchitectureProblem } from '../../shared/weights/pretrainedArchitectureProblem';
import { guessArchitecture } from '../../shared/weights/guessArchitecture';
import type { NamedShape } from '../../shared/weights/guessArchitecture';
import { NOT_A_WEIGHT_FILE, weightFileKindOf } from '../weights/weightFileKind';

/** A safetensors header beyond this is not read here (the run reads it). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

function readBytes(path: string, start: number, count: number): Buffer {
  const descriptor = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const read = readSync(descriptor, buffer, 0, count, start);
    return buffer.subarray(0, read);
  } finally {
    closeSync(descriptor);
  }
}

function safetensorsNames(path: string, start: Uint8Array): NamedShape[] | null {
  const length = Number(new DataView(start.buffer, start.byteOffset, 8).getBigUint64(0, true));
  if (length > MAX_HEADER_BYTES) return null;
  try {
    const header = JSON.parse(readBytes(path, 8, length).toString('utf8')) as Record<string, { shape?: unknown }>;
    return Object.entries(header)
      .filter(([name]) => name !== '__metadata__')
      .map(([name, entry]) => ({ name, shape: Array.isArray(entry.shape) ? entry.shape.map(Number) : [] }));
  } catch {
    return null; // the run's reader says what is wrong with it
  }
}

/** Why `path` cannot be this experiment's `pretrained` weight file, or null when nothing cheap says so. */
export function pretrainedFileProblem(path: string, architecture: Architecture): string | null {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return `\`pretrained\`: no such file or folder: ${path}`;
  }
  if (!isFile) return null; // a model folder: loaded, and checked, when the run starts
  const fileName = basename(path);
  const start = readBytes(path, 0, 16);
  const kind = weightFileKindOf(start);
  if (kind === null) return `\`pretrained\`: ${fileName} is ${NOT_A_WEIGHT_FILE}, nor a model folder`;
  if (kind === 'hdf5') return null; // a Keras file brings its own topology, whatever model.architecture says
  const unknown = { architecture: 'unknown', label: '', head: null } as const;
  if (kind !== 'safetensors')
    return pretrainedArchitectureProblem(
      fileName,
      { format: kind, fullModel: false, architecture: unknown },
      architecture,
    );
  const names = safetensorsNames(path, start);
  const guess = names === null ? unknown : guessArchitecture(names);
  return pretrainedArchitectureProblem(fileName, { format: kind, fullModel: false, architecture: guess }, architecture);
}

/** Where the value of `pretrained` starts in the experiment's text. */
export function pretrainedPosition(text: string): SourcePosition {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false });
  const offset = indexDocument(document).nodeAt(['pretrained'])?.range?.[0] ?? 0;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
