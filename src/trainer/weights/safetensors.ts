// The .safetensors format (Hugging Face; timm and transformers save in it): an unsigned 64-bit
// little-endian header length N, N bytes of JSON ({ name: { dtype, shape, data_offsets: [begin,
// end] }, optional "__metadata__": { string: string } }), then the tensors' raw little-endian
// bytes, offsets counted from the end of the header. https://github.com/huggingface/safetensors
// Floating-point tensors (F32, F16, BF16, F64) and integer ones (I64 is num_batches_tracked's
// type) are converted to float32.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { WeightFileError, elementCount } from './tensorMap';
import type { TensorEntry, TensorMap } from './tensorMap';
import { bfloat16ToFloat, halfToFloat } from './storedValues';

const HEADER_LENGTH_BYTES = 8;
/** The safetensors library refuses headers over 100 MB; so do we, before allocating one. */
const MAX_HEADER_BYTES = 100_000_000;

type Reader = (view: DataView, offset: number) => number;

const DTYPES: Record<string, { bytes: number; read: Reader }> = {
  F64: { bytes: 8, read: (view, offset) => view.getFloat64(offset, true) },
  F32: { bytes: 4, read: (view, offset) => view.getFloat32(offset, true) },
  F16: { bytes: 2, read: (view, offset) => halfToFloat(view.getUint16(offset, true)) },
  BF16: { bytes: 2, read: (view, offset) => bfloat16ToFloat(view.getUint16(offset, true)) },
  I64: { bytes: 8, read: (view, offset) => Number(view.getBigInt64(offset, true)) },
  I32: { bytes: 4, read: (view, offset) => view.getInt32(offset, true) },
  I16: { bytes: 2, read: (view, offset) => view.getInt16(offset, true) },
  I8: { bytes: 1, read: (view, offset) => view.getInt8(offset) },
  U8: { bytes: 1, read: (view, offset) => view.getUint8(offset) },
  BOOL: { bytes: 1, read: (view, offset) => (view.getUint8(offset) === 0 ? 0 : 1) },
};

export async function readSafetensors(path: string): Promise<TensorMap> {
  return parseSafetensors(await readFile(path), basename(path));
}

/** `fileName` names the file in errors. */
export function parseSafetensors(bytes: Uint8Array, fileName: string): TensorMap {
  const fail = (problem: string): never => {
    throw new WeightFileError(`${fileName}: not a readable .safetensors file: ${problem}`);
  };
  if (bytes.length < HEADER_LENGTH_BYTES) fail(`${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) fail(`its header length says ${declared} bytes (at most 100 MB)`);
  const headerLength = Number(declared);
  const dataStart = HEADER_LENGTH_BYTES + headerLength;
  if (dataStart > bytes.length) {
    fail(`truncated: the header should take ${headerLength} bytes, the file has ${bytes.length - 8} after its length`);
  }
  const header = parseHeader(bytes.subarray(HEADER_LENGTH_BYTES, dataStart), fail);
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorEntry>();
  const ranges: Array<{ name: string; begin: number; end: number }> = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(value)) fail('`__metadata__` is not an object');
      for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
        if (typeof text !== 'string') fail(`\`__metadata__.${key}\` is not a string`);
        metadata[key] = text as string;
      }
      continue;
    }
    const { dtype, shape, begin, end } = tensorInfo(name, value, fail);
    const type =
      DTYPES[dtype] ?? fail(`tensor \`${name}\` has dtype ${dtype}, not one of ${Object.keys(DTYPES).join(', ')}`);
    const count = elementCount(shape);
    if (end - begin !== count * type.bytes) {
      fail(
        `tensor \`${name}\` (${dtype} ${JSON.stringify(shape)}) needs ${count * type.bytes} bytes, its offsets give ${end - begin}`,
      );
    }
    if (end > dataLength) {
      fail(`truncated: tensor \`${name}\` ends at data byte ${end}, the file has ${dataLength} bytes of data`);
    }
    const values = new Float32Array(count);
    for (let index = 0; index < count; index++) values[index] = type.read(view, dataStart + begin + index * type.bytes);
    tensors.set(name, { shape, values, sourceDtype: dtype });
    ranges.push({ name, begin, end });
  }
  ranges.sort((a, b) => a.begin - b.begin);
  ranges.forEach((range, index) => {
    const previous = ranges[index - 1];
    if (previous && range.begin < previous.end) fail(`tensors \`${previous.name}\` and \`${range.name}\` overlap`);
  });
  return { format: 'safetensors', tensors, metadata };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseHeader(bytes: Uint8Array, fail: (problem: string) => never): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    fail(`its ${bytes.length}-byte header is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return isRecord(parsed) ? parsed : fail('its header is not a JSON object');
}

function tensorInfo(
  name: string,
  value: unknown,
  fail: (problem: string) => never,
): { dtype: string; shape: number[]; begin: number; end: number } {
  if (!isRecord(value)) return fail(`tensor \`${name}\` is not described by an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') fail(`tensor \`${name}\` has no dtype`);
  const isCount = (item: unknown): item is number => Number.isSafeInteger(item) && (item as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor \`${name}\` has no valid shape`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor \`${name}\` has no valid data_offsets [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`tensor \`${name}\` has data_offsets [${begin}, ${end}] that end before they begin`);
  return { dtype: dtype as string, shape: shape as number[], begin, end };
}
