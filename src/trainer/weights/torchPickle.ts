// The pickles inside PyTorch files, unpickled by pickleparser without running anything: every
// class a pickle names becomes an inert placeholder object, except the few functions that rebuild
// tensors, OrderedDict and set, which we give our own meaning. Tensors come out as references into
// storages (PickledTensor); the storages' bytes are elsewhere in the file, by key.
import { NameRegistry, Parser } from 'pickleparser';
import type { BufferReader } from 'pickleparser';
import { errorMessage } from '../../shared/errors/errorMessage';
import type { StoredDtype } from './storedValues';
import { WeightFileError } from './tensorMap';

/** torch's storage classes by the name a pickle gives them, for the element types we convert. */
const STORAGE_DTYPES: Record<string, StoredDtype> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
};

export class PickledStorage {
  constructor(
    /** The storage's name: a file in the zip's data/ folder, or a legacy file's storage key. */
    readonly key: string,
    readonly dtype: StoredDtype,
    /** Elements, as the pickle says. */
    readonly numel: number,
  ) {}
}

export class PickledTensor {
  constructor(
    readonly storage: PickledStorage,
    /** In elements from the storage's start. */
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

/** What a pickle named but we do not rebuild (quantized or sparse tensors, say): kept to be named in errors. */
export class UnsupportedTensor {
  constructor(readonly kind: string) {}
}

function toCount(value: unknown, what: string): number {
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new Error(`${what} is ${String(value)}, not a size`);
}

function toCounts(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a tuple`);
  return value.map((item: unknown) => toCount(item, what));
}

/** `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, …)`, and the older `_rebuild_tensor`. */
function rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown): PickledTensor {
  if (!(storage instanceof PickledStorage)) throw new Error('a tensor whose storage is not a persistent storage');
  return new PickledTensor(
    storage,
    toCount(offset, 'a storage offset'),
    toCounts(size, 'a size'),
    toCounts(stride, 'a stride'),
  );
}

/** A placeholder's Python name: pickleparser puts `__module__` and `__name__` on its prototype. */
export function pythonName(value: unknown): string | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const holder = typeof value === 'function' ? (value as { prototype?: unknown }).prototype : value;
  const { __module__: module, __name__: name } = (holder ?? {}) as { __module__?: unknown; __name__?: unknown };
  return typeof module === 'string' && typeof name === 'string' ? `${module}.${name}` : undefined;
}

function storageResolver(storages: Map<string, PickledStorage>): { resolve: (pid: unknown) => unknown } {
  return {
    resolve(pid: unknown): unknown {
      // Whole modules in the legacy format record each module class with its source code, to warn when it changed.
      if (Array.isArray(pid) && pid[0] === 'module') return pid[1];
      if (!Array.isArray(pid) || pid[0] !== 'storage') {
        const kind = Array.isArray(pid) ? String(pid[0]) : typeof pid;
        throw new Error(`a persistent id of kind ${kind.slice(0, 40)}, where storages were expected`);
      }
      const [, storageType, key, , numel, viewMetadata] = pid as unknown[];
      if (viewMetadata !== undefined && viewMetadata !== null) {
        throw new Error('storage views (files written by PyTorch before 0.4): load and save the file again in PyTorch');
      }
      const typeName = pythonName(storageType)?.replace(/^torch\./, '') ?? String(storageType);
      const dtype = STORAGE_DTYPES[typeName];
      if (dtype === undefined) {
        throw new Error(`a ${typeName}: only float32, float16, bfloat16, float64 and int64 tensors are read`);
      }
      const name = String(key);
      const known = storages.get(name);
      if (known) return known;
      const storage = new PickledStorage(name, dtype, toCount(numel, 'a storage size'));
      storages.set(name, storage);
      return storage;
    },
  };
}

function nameRegistry(): NameRegistry {
  const registry = new NameRegistry()
    .register('torch._utils', '_rebuild_tensor_v2', rebuildTensor)
    .register('torch._utils', '_rebuild_tensor', rebuildTensor)
    .register('torch._utils', '_rebuild_parameter', (data: unknown) => data)
    .register('torch._utils', '_rebuild_parameter_with_state', (data: unknown) => data)
    .register('torch._tensor', '_rebuild_from_type_v2', (rebuild: unknown, _type: unknown, args: unknown) =>
      typeof rebuild === 'function' && Array.isArray(args)
        ? (rebuild as (...a: unknown[]) => unknown)(...args)
        : rebuild,
    )
    .register('collections', 'OrderedDict', () => new Map<unknown, unknown>())
    .register('builtins', 'set', (items: unknown) => new Set(Array.isArray(items) ? items : []))
    .register('__builtin__', 'set', (items: unknown) => new Set(Array.isArray(items) ? items : []));
  for (const kind of [
    '_rebuild_qtensor',
    '_rebuild_sparse_tensor',
    '_rebuild_sparse_csr_tensor',
    '_rebuild_meta_tensor_no_storage',
  ]) {
    registry.register('torch._utils', kind, () => new UnsupportedTensor(kind.replace(/^_rebuild_/, '')));
  }
  return registry;
}

/** Unpickles one pickle from `reader`'s position, leaving it just after the pickle's STOP. */
export function unpickleTorch(reader: BufferReader, storages: Map<string, PickledStorage>): unknown {
  const parser = new Parser({
    nameResolver: nameRegistry(),
    persistentResolver: storageResolver(storages),
    unpicklingTypeOfDictionary: 'Map',
    unpicklingTypeOfSet: 'Set',
  });
  return parser.read(reader);
}

/** Runs `read`, turning pickleparser's and our plain errors into a WeightFileError about `fileName`. */
export function readingPickle<T>(fileName: string, where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof WeightFileError) throw error;
    throw new WeightFileError(`${fileName}: cannot read ${where} (truncated or corrupt?): ${errorMessage(error)}`, {
      cause: error,
    });
  }
}
