import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intensityScalingText } from '../../../../src/shared/run/intensityScaling';
import { finiteRange, floatScale, integerScale } from '../../../../src/trainer/data/intensityRange';

describe('intensity ranges', () => {
  it('finds the finite range, widening the one given', () => {
    assert.deepEqual(finiteRange([3, Number.NaN, 7, Number.POSITIVE_INFINITY]), [3, 7]);
    assert.deepEqual(finiteRange([3, 7], [0, 5]), [0, 7]);
    assert.deepEqual(finiteRange([Number.NaN]), [Infinity, -Infinity]);
  });

  it('reads uint16 that never passes 4095 as 12-bit, 1023 as 10-bit, 255 as 8-bit, and the rest as 16-bit', () => {
    assert.equal(integerScale('uint16', 16, [0, 4095]).divisor, 4095);
    assert.equal(integerScale('uint16', 16, [12, 4000]).divisor, 4095);
    assert.equal(integerScale('uint16', 16, [0, 1000]).divisor, 1023);
    assert.equal(integerScale('uint16', 16, [0, 200]).divisor, 255);
    assert.deepEqual(integerScale('uint16', 16, [0, 16384]), { divisor: 65535, scaling: null });
    assert.deepEqual(integerScale('uint16', 16, [0, 0]), { divisor: 65535, scaling: null });
    assert.deepEqual(integerScale('16-bit PNG', 16, [819, 3654]).scaling, {
      storedAs: '16-bit PNG',
      implied: [0, 65535],
      found: [819, 3654],
      assumed: [0, 4095],
      reason: '12-bit data',
    });
  });

  it('reads float images above 1 and at most 255 as 0–255 intensities, and has no scale for others', () => {
    assert.deepEqual(floatScale('float32', [0, 1]), { divisor: 1, scaling: null });
    assert.equal(floatScale('float32', [0, 200.5])?.divisor, 255);
    assert.equal(floatScale('float32', [-0.5, 1]), null);
    assert.equal(floatScale('float32', [0, 4095]), null);
  });

  it('says what was assumed and found, and how dark the type range would have made the images', () => {
    const twelve = integerScale('uint16', 16, [0, 4000]).scaling ?? assert.fail();
    assert.equal(
      intensityScalingText(twelve),
      'uint16 images hold values 0..4000: read as 12-bit data, 0..4095 → 0..1 ' +
        '(scaled from 0..65535, the full uint16 range, they would train at 6% brightness)',
    );
    const float = floatScale('float32', [0.25, 200.123456])?.scaling ?? assert.fail();
    assert.equal(
      intensityScalingText(float),
      'float32 images hold values 0.25..200.1: read as 0–255 intensities, 0..255 → 0..1 ' +
        '(not 0..1, the range float32 images are otherwise taken to hold)',
    );
  });
});
