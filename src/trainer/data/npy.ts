// Reads NumPy .npy arrays (the members of a MedMNIST .npz) without a Python dependency.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { DatasetError } from './dataset';

/** The element types .npy files use for images and labels. */
export type NpyValues =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface NpyArray {
  /** The dtype as written in the header, e.g. `|u1`, `<i8`. */
  dtype: string;
  shape: number[];
  /** Row-major values; 64-bit integers are widened to Float64Array (exact up to 2^53). */
  values: NpyValues;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

// The header is a Python dict literal written by numpy's repr, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3882, 28, 28), }
// so a few anchored regular expressions read it without a Python-literal parser.
function parseHeader(text: string, file: string): Header {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text)?.[1];
  if (descr === undefined) {
    if (/['"]descr['"]\s*:\s*\[/.test(text))
      throw new DatasetError('structured (record) dtypes are not supported in .npy arrays', file);
    throw new DatasetError(`cannot read the dtype in the .npy header ${JSON.stringify(text.trim())}`, file);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  if (fortran === undefined)
    throw new DatasetError(`cannot read fortran_order in the .npy header ${JSON.stringify(text.trim())}`, file);
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (shapeText === undefined)
    throw new DatasetError(`cannot read the shape in the .npy header ${JSON.stringify(text.trim())}`, file);
  const shape = shapeText
    .split(',')
    .map((part) => part.trim().replace(/L$/, '')) // Python 2 wrote long integers as 3882L
    .filter((part) => part.length > 0)
    .map((part) => {
      if (!/^\d+$/.test(part)) throw new DatasetError(`bad dimension "${part}" in the .npy shape (${shapeText})`, file);
      return Number(part);
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

interface ElementType {
  size: number;
  read: (view: DataView, offset: number, littleEndian: boolean) => number;
  create: (length: number) => NpyValues;
}

function elementType(kind: string, size: number): ElementType | undefined {
  switch (`${kind}${size}`) {
    case 'u1':
    case 'b1':
      return { size, read: (view, offset) => view.getUint8(offset), create: (length) => new Uint8Array(length) };
    case 'i1':
      return { size, read: (view, offset) => view.getInt8(offset), create: (length) => new Int8Array(length) };
    case 'u2':
      return {
        size,
        read: (view, offset, little) => view.getUint16(offset, little),
        create: (length) => new Uint16Array(length),
      };
    case 'i2':
      return {
        size,
        read: (view, offset, little) => view.getInt16(offset, little),
        create: (length) => new Int16Array(length),
      };
    case 'u4':
      return {
        size,
        read: (view, offset, little) => view.getUint32(offset, little),
        create: (length) => new Uint32Array(length),
      };
    case 'i4':
      return {
        size,
        read: (view, offset, little) => view.getInt32(offset, little),
        create: (length) => new Int32Array(length),
      };
    case 'u8':
      return {
        size,
        read: (view, offset, little) => Number(view.getBigUint64(offset, little)),
        create: (length) => new Float64Array(length),
      };
    case 'i8':
      return {
        size,
        read: (view, offset, little) => Number(view.getBigInt64(offset, little)),
        create: (length) => new Float64Array(length),
      };
    case 'f4':
      return {
        size,
        read: (view, offset, little) => view.getFloat32(offset, little),
        create: (length) => new Float32Array(length),
      };
    case 'f8':
      return {
        size,
        read: (view, offset, little) => view.getFloat64(offset, little),
        create: (length) => new Float64Array(length),
      };
    default:
      return undefined;
  }
}

/** What a .npy header says: dtype, shape, where the values start and how to read them. */
export interface NpyLayout {
  dtype: string;
  shape: number[];
  /** Byte offset of the first value. */
  dataStart: number;
  littleEndian: boolean;
  /** Bytes a value. */
  size: number;
  /** `u1`, `u2`, `f4`…: kind and size as numpy writes them. */
  kind: string;
}

/**
 * Reads a .npy header from the file's first bytes (its whole header must be there). `file` names it
 * in errors (e.g. `data.npz/train_images.npy`).
 */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyLayout {
  if (bytes.length < 10 || MAGIC.some((value, index) => bytes[index] !== value)) {
    throw new DatasetError('not a .npy array (missing the \\x93NUMPY magic string)', file);
  }
  const major = bytes[6] ?? 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Version 1.0 stores the header length in 2 bytes; 2.0 and 3.0 (utf-8 header) in 4.
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DatasetError('truncated .npy header', file);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new DatasetError(
      `unsupported .npy format version ${major}.${bytes[7] ?? 0} (1.0, 2.0 and 3.0 are read)`,
      file,
    );
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new DatasetError('truncated .npy header', file);
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const header = parseHeader(text, file);
  if (header.fortranOrder) {
    throw new DatasetError(
      'Fortran-ordered (column-major) arrays are not supported; save it with np.ascontiguousarray',
      file,
    );
  }
  const match = /^([<>|=])([biuf])(\d+)$/.exec(header.descr);
  const type = match ? elementType(match[2] ?? '', Number(match[3])) : undefined;
  if (!match || !type) {
    throw new DatasetError(
      `unsupported dtype '${header.descr}' (integers, unsigned integers, booleans and floats are read)`,
      file,
    );
  }
  // '=' is native order as numpy saw it; numpy writes '<' or '|' in practice, and every
  // machine that writes .npy files today is little-endian.
  return {
    dtype: header.descr,
    shape: header.shape,
    dataStart,
    littleEndian: match[1] !== '>',
    size: type.size,
    kind: `${match[2] ?? ''}${type.size}`,
  };
}

/** Parses one .npy file. `file` names it in errors (e.g. `data.npz/train_images.npy`). */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const layout = parseNpyHeader(bytes, file);
  const { dataStart, littleEndian } = layout;
  const header = { shape: layout.shape, descr: layout.dtype };
  const type = elementType(layout.kind[0] ?? '', layout.size);
  if (!type) throw new DatasetError(`unsupported dtype '${layout.dtype}'`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = header.shape.reduce((a, b) => a * b, 1);
  const needed = length * type.size;
  if (bytes.length - dataStart < needed) {
    throw new DatasetError(
      `truncated .npy data: shape (${header.shape.join(', ')}) needs ${needed} bytes, ` +
        `the file has ${bytes.length - dataStart}`,
      file,
    );
  }
  let values: NpyValues;
  if (type.size === 1 && layout.kind !== 'i1') {
    // Bytes need no decoding: copy them out of the (possibly shared) zip buffer.
    values = bytes.slice(dataStart, dataStart + length);
  } else {
    values = type.create(length);
    for (let i = 0, offset = dataStart; i < length; i++, offset += type.size)
      values[i] = type.read(view, offset, littleEndian);
  }
  return { dtype: header.descr, shape: header.shape, values };
}
