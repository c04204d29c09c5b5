// The .safetensors reader's conversions against torch's own: values stored by PyTorch as F16,
// BF16, F64 and I64 (generate_torchvision_fixtures.py, dtypes.safetensors) read as the float32
// values torch converts them to, bit for bit, with ±0, subnormals and ±∞.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readSafetensors } from '../../../../src/trainer/weights/safetensors';
import { skipMissing } from '../../../support/prerequisites';
import { torchvisionFixtures } from '../../../support/torchvisionFixtures';
import type { FixturesResult } from '../../../support/pythonFixtures';

let fixtures: FixturesResult;
before(async () => {
  fixtures = await torchvisionFixtures();
});

describe('safetensors written by PyTorch', () => {
  it('F16, BF16, F64 and I64 read as torch converts them to float32', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const map = await readSafetensors(join(fixtures.dir, 'dtypes.safetensors'));
    for (const dtype of ['F16', 'BF16', 'F64', 'I64']) {
      const stored = map.tensors.get(`values.${dtype}`);
      const expected = map.tensors.get(`values.${dtype}.expected`);
      assert.equal(stored?.sourceDtype, dtype);
      assert.deepEqual(stored?.shape, expected?.shape);
      const actual = Array.from(stored?.values ?? []);
      Array.from(expected?.values ?? []).forEach((value, index) =>
        assert.ok(Object.is(actual[index], value), `${dtype}[${index}]: ${actual[index]}, torch ${value}`),
      );
    }
    assert.deepEqual(map.tensors.get('scalar.F32')?.shape, []);
    assert.deepEqual(map.tensors.get('empty.F32')?.shape, [0, 4]);
    assert.deepEqual(map.metadata, { format: 'pt' });
  });
});
