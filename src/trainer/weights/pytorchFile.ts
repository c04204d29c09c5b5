// PyTorch's files, read without Python. torch.save writes one of two containers:
// - the zip format (the default since PyTorch 1.6): `<name>/data.pkl` is the pickled object, whose
//   tensors name their storages by key, each storage the raw bytes of `<name>/data/<key>`;
// - the legacy format (`_use_new_zipfile_serialization=False`, and files from before 1.6): pickles
//   one after another (magic number, protocol version, system info, the object, the storage keys),
//   then each storage as its element count (int64) and its raw bytes, in the keys' order.
// The object is a state dict or a whole module (torchPickle.ts, torchStateDict.ts). Storages are
// little-endian; a file that says otherwise is refused.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { unzipSync } from 'fflate';
import { BufferReader } from 'pickleparser';
import { pickledTensorValues } from './pickledTensorValues';
import { STORED_DTYPES } from './storedValues';
import { WeightFileError } from './tensorMap';
import type { WeightFileFormat } from '../../shared/weights/weightFileDescription';
import type { TensorEntry, TensorMap } from './tensorMap';
import { readingPickle, unpickleTorch } from './torchPickle';
import type { PickledStorage } from './torchPickle';
import { findTensors } from './torchStateDict';
import type { FoundTensors } from './torchStateDict';

/** The legacy format's first pickle: protocol 2, the 10-byte long 0x1950a86a20f9469cfc6c, STOP. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
const LEGACY_PROTOCOL_VERSION = 1001;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export interface PytorchContents {
  format: Extract<WeightFileFormat, 'pytorch-zip' | 'pytorch-legacy' | 'pytorch-module'>;
  found: FoundTensors;
  /** `container`: zip or legacy; `module`: the pickled module's Python class, for whole modules. */
  metadata: Record<string, string>;
  /** The storages' bytes by key; absent when only the pickle was read. */
  storages?: Map<string, Uint8Array>;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((byte, index) => bytes[at + index] === byte);
}

export function isPytorchFile(bytes: Uint8Array): boolean {
  return startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, LEGACY_MAGIC);
}

function contents(container: 'zip' | 'legacy', found: FoundTensors, root: unknown): Omit<PytorchContents, 'storages'> {
  const metadata: Record<string, string> = { container };
  if (found.holder === 'module') {
    const { __module__: module, __name__: name } = Object.getPrototypeOf(root) as Record<string, unknown>;
    if (typeof module === 'string' && typeof name === 'string') metadata.module = `${module}.${name}`;
  }
  const format = found.holder === 'module' ? 'pytorch-module' : container === 'zip' ? 'pytorch-zip' : 'pytorch-legacy';
  return { format, found, metadata };
}

function readZip(bytes: Uint8Array, fileName: string, withStorages: boolean): PytorchContents {
  let files: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return withStorages || /(^|\/)(data\.pkl|byteorder)$/.test(file.name);
      },
    });
  } catch (error) {
    throw new WeightFileError(`${fileName}: not a readable zip file (truncated or corrupt?): ${String(error)}`, {
      cause: error,
    });
  }
  const pickleName = names.find((name) => /^([^/]+\/)?data\.pkl$/.test(name));
  if (pickleName === undefined) {
    const torchScript = names.some((name) => /(^|\/)constants\.pkl$/.test(name));
    throw new WeightFileError(
      torchScript
        ? `${fileName}: a TorchScript archive (torch.jit.save), not torch.save's; save model.state_dict() with torch.save`
        : `${fileName}: a zip file without data.pkl, so not one torch.save wrote (entries: ${names.slice(0, 5).join(', ')})`,
    );
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const byteOrder = files[`${prefix}byteorder`];
  if (byteOrder && new TextDecoder().decode(byteOrder).trim() !== 'little') {
    throw new WeightFileError(`${fileName}: written on a big-endian machine, which is not read`);
  }
  const storageIndex = new Map<string, PickledStorage>();
  const pickle = files[pickleName] ?? new Uint8Array();
  const root = readingPickle(fileName, pickleName, () => unpickleTorch(new BufferReader(pickle), storageIndex));
  const found = findTensors(fileName, root);
  if (!withStorages) return contents('zip', found, root);
  const storages = new Map<string, Uint8Array>();
  for (const key of storageIndex.keys()) {
    const data = files[`${prefix}data/${key}`];
    if (data === undefined) throw new WeightFileError(`${fileName}: the storage ${prefix}data/${key} is missing`);
    storages.set(key, data);
  }
  return { ...contents('zip', found, root), storages };
}

function readLegacy(bytes: Uint8Array, fileName: string, withStorages: boolean): PytorchContents {
  const reader = new BufferReader(bytes);
  reader.skip(LEGACY_MAGIC.length);
  const storageIndex = new Map<string, PickledStorage>();
  const next = (what: string): unknown => readingPickle(fileName, what, () => unpickleTorch(reader, storageIndex));
  const protocol = next('the protocol version');
  if (protocol !== LEGACY_PROTOCOL_VERSION) {
    throw new WeightFileError(`${fileName}: protocol version ${String(protocol)}, not ${LEGACY_PROTOCOL_VERSION}`);
  }
  const systemInfo = next('the system information');
  if (systemInfo instanceof Map && systemInfo.get('little_endian') === false) {
    throw new WeightFileError(`${fileName}: written on a big-endian machine, which is not read`);
  }
  const root = next('the pickled object');
  const found = findTensors(fileName, root);
  if (!withStorages) return contents('legacy', found, root);
  const keys = next('the storage keys');
  if (!Array.isArray(keys)) throw new WeightFileError(`${fileName}: the storage keys are not a list`);
  const storages = new Map<string, Uint8Array>();
  let position = reader.position;
  for (const key of keys.map(String)) {
    const storage = storageIndex.get(key);
    if (storage === undefined) throw new WeightFileError(`${fileName}: storage ${key} is listed but no tensor uses it`);
    if (position + 8 > bytes.length) {
      throw new WeightFileError(`${fileName}: truncated at byte ${bytes.length}, before storage ${key}'s size`);
    }
    const count = Number(new DataView(bytes.buffer, bytes.byteOffset + position, 8).getBigInt64(0, true));
    const length = count * STORED_DTYPES[storage.dtype].bytes;
    const start = position + 8;
    if (start + length > bytes.length) {
      throw new WeightFileError(
        `${fileName}: truncated: storage ${key} needs bytes ${start}–${start + length}, the file has ${bytes.length}`,
      );
    }
    storages.set(key, bytes.subarray(start, start + length));
    position = start + length;
  }
  return { ...contents('legacy', found, root), storages };
}

/** The file's tensors as the pickle describes them; the storages too when `withStorages`. */
export function parsePytorchFile(bytes: Uint8Array, fileName: string, withStorages: boolean): PytorchContents {
  if (startsWith(bytes, ZIP_MAGIC)) return readZip(bytes, fileName, withStorages);
  if (startsWith(bytes, LEGACY_MAGIC)) return readLegacy(bytes, fileName, withStorages);
  if (bytes.length > 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
    throw new WeightFileError(`${fileName}: the tar format of PyTorch before 0.4; load and save it again in PyTorch`);
  }
  throw new WeightFileError(
    `${fileName}: not a PyTorch file (neither a zip nor a legacy pickle with the magic number)`,
  );
}

export function pytorchTensorMap(contents: PytorchContents, fileName: string): TensorMap {
  const tensors = new Map<string, TensorEntry>();
  for (const [name, tensor] of contents.found.tensors) {
    const bytes = contents.storages?.get(tensor.storage.key);
    if (bytes === undefined) throw new WeightFileError(`${fileName}: storage ${tensor.storage.key} was not read`);
    tensors.set(name, pickledTensorValues(fileName, name, tensor, bytes));
  }
  return { format: contents.format, tensors, metadata: contents.metadata };
}

/** A `.pth`, `.pt` or `.bin` file written by torch.save, as a TensorMap. */
export async function readPytorchFile(path: string): Promise<TensorMap> {
  const fileName = basename(path);
  return pytorchTensorMap(parsePytorchFile(await readFile(path), fileName, true), fileName);
}
