// Stored numbers to float32: the element types PyTorch files hold, read little-endian from any
// byte offset (a legacy file's storages are not aligned). Integers (I64 is num_batches_tracked's
// type) convert exactly up to 2^24.

/** Element types in safetensors' words, which TensorEntry.sourceDtype uses for every format. */
export type StoredDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Reader = (view: DataView, offset: number) => number;

const bfloat16Bits = new DataView(new ArrayBuffer(4));

/** bfloat16 is the top half of a float32. */
export function bfloat16ToFloat(bits: number): number {
  bfloat16Bits.setUint32(0, bits << 16);
  return bfloat16Bits.getFloat32(0);
}

/** IEEE 754 half precision: 1 sign, 5 exponent (bias 15), 10 fraction bits; subnormals, ±∞ and NaN included. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export const STORED_DTYPES: Record<StoredDtype, { bytes: number; read: Reader }> = {
  F32: { bytes: 4, read: (view, offset) => view.getFloat32(offset, true) },
  F16: { bytes: 2, read: (view, offset) => halfToFloat(view.getUint16(offset, true)) },
  BF16: { bytes: 2, read: (view, offset) => bfloat16ToFloat(view.getUint16(offset, true)) },
  F64: { bytes: 8, read: (view, offset) => view.getFloat64(offset, true) },
  I64: { bytes: 8, read: (view, offset) => Number(view.getBigInt64(offset, true)) },
};

/** `count` values of `dtype` starting at byte `byteOffset` of `bytes`, as float32. */
export function readStoredValues(
  bytes: Uint8Array,
  byteOffset: number,
  count: number,
  dtype: StoredDtype,
): Float32Array {
  const { bytes: size, read } = STORED_DTYPES[dtype];
  // float32 on a little-endian machine (every one Node runs on but s390x): one aligned copy, no conversion.
  // (Not bytes.slice: a Node Buffer's slice is a view of the whole file.)
  if (dtype === 'F32' && LITTLE_ENDIAN) {
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(bytes.subarray(byteOffset, byteOffset + count * size));
    return values;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + byteOffset, count * size);
  const values = new Float32Array(count);
  for (let index = 0; index < count; index++) values[index] = read(view, index * size);
  return values;
}
