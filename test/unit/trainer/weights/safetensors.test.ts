// The .safetensors reader on files made byte by byte: each element type's conversion to float32
// (half-precision subnormals, infinities and NaN included), the metadata, and a clear error that
// names the file and the problem for every way a file can be truncated or malformed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSafetensors } from '../../../../src/trainer/weights/safetensors';

/** A safetensors file: the header (JSON, or raw text), then `data`. */
function file(header: unknown, data: Uint8Array = new Uint8Array(), declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

function littleEndian(
  width: 2 | 4 | 8,
  values: number[],
  write: (view: DataView, offset: number, value: number) => void,
) {
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => write(view, index * width, value));
  return bytes;
}

const u16 = (values: number[]) => littleEndian(2, values, (view, offset, value) => view.setUint16(offset, value, true));

describe('parseSafetensors', () => {
  it('converts F16 bit patterns exactly: normal, subnormal, ±0, ±∞, NaN', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const map = parseSafetensors(file({ x: { dtype: 'F16', shape: [11], data_offsets: [0, 22] } }, u16(bits)), 'h.st');
    const values = Array.from(map.tensors.get('x')?.values ?? []);
    const expected = [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 0, -0, Infinity, -Infinity, Number.NaN, 0.333251953125];
    expected.forEach((value, index) => assert.ok(Object.is(values[index], value), `${bits[index]}: ${values[index]}`));
    assert.equal(map.tensors.get('x')?.sourceDtype, 'F16');
  });

  it('converts BF16 (the top half of a float32), F64, F32 and integers; keeps shapes and metadata', () => {
    const header = {
      __metadata__: { format: 'pt', note: 'made by hand' },
      b: { dtype: 'BF16', shape: [2, 2], data_offsets: [0, 8] },
      d: { dtype: 'F64', shape: [2], data_offsets: [8, 24] },
      f: { dtype: 'F32', shape: [], data_offsets: [24, 28] },
      n: { dtype: 'I64', shape: [1], data_offsets: [28, 36] },
      e: { dtype: 'F32', shape: [0, 3], data_offsets: [36, 36] },
    };
    const data = new Uint8Array(36);
    data.set(u16([0x3f80, 0xc049, 0x7f80, 0x0001]), 0);
    const view = new DataView(data.buffer);
    view.setFloat64(8, 0.1, true);
    view.setFloat64(16, -1e300, true);
    view.setFloat32(24, 2.5, true);
    view.setBigInt64(28, -123456789n, true);
    const map = parseSafetensors(file(header, data), 'mixed.safetensors');
    assert.equal(map.format, 'safetensors');
    assert.deepEqual(map.metadata, { format: 'pt', note: 'made by hand' });
    assert.deepEqual([...map.tensors.keys()], ['b', 'd', 'f', 'n', 'e']);
    assert.deepEqual(map.tensors.get('b')?.shape, [2, 2]);
    assert.deepEqual(Array.from(map.tensors.get('b')?.values ?? []), [1, -3.140625, Infinity, 2 ** -133]);
    assert.deepEqual(Array.from(map.tensors.get('d')?.values ?? []), [Math.fround(0.1), -Infinity]);
    assert.deepEqual(map.tensors.get('f')?.shape, []);
    assert.deepEqual(Array.from(map.tensors.get('f')?.values ?? []), [2.5]);
    assert.deepEqual(Array.from(map.tensors.get('n')?.values ?? []), [Math.fround(-123456789)]);
    assert.equal(map.tensors.get('e')?.values.length, 0);
  });

  const malformed: Array<[string, Uint8Array, RegExp]> = [
    ['shorter than the header length', new Uint8Array(5), /5 bytes, fewer than the 8/],
    ['a header length past the end', file({}, new Uint8Array(), 4000), /truncated: the header should take 4000 bytes/],
    ['an absurd header length', file({}, new Uint8Array(), 2 ** 40), /header length says 1099511627776 bytes/],
    ['a header that is not JSON', file('{"x": '), /header is not JSON/],
    ['a header that is a JSON array', file('[1, 2]'), /header is not a JSON object/],
    [
      'an unknown dtype',
      file({ x: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /dtype C64/,
    ],
    ['no shape', file({ x: { dtype: 'F32', data_offsets: [0, 4] } }, new Uint8Array(4)), /`x` has no valid shape/],
    [
      'offsets that do not fit the shape',
      file({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /needs 12 bytes, its offsets give 8/,
    ],
    [
      'offsets backwards',
      file({ x: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, new Uint8Array(8)),
      /end before they begin/,
    ],
    [
      'data cut short',
      file({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(10)),
      /truncated: tensor `x` ends at data byte 16, the file has 10/,
    ],
    [
      'overlapping tensors',
      file(
        {
          x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        new Uint8Array(8),
      ),
      /`x` and `y` overlap/,
    ],
    ['metadata that is not text', file({ __metadata__: { epochs: 3 } }), /`__metadata__.epochs` is not a string/],
  ];
  for (const [what, bytes, message] of malformed) {
    it(`refuses ${what}, naming the file`, () => {
      assert.throws(
        () => parseSafetensors(bytes, 'broken.safetensors'),
        (error: Error) =>
          error.name === 'WeightFileError' &&
          error.message.startsWith('broken.safetensors: not a readable .safetensors file: ') &&
          message.test(error.message),
      );
    });
  }
});
