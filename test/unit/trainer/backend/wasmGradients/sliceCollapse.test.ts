import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapseSlice } from '../../../../../src/trainer/backend/wasmGradients/sliceCollapse';

describe('collapseSlice', () => {
  it("turns pointwiseWindows' rank-6 stride pick into a rank-3 slice", () => {
    assert.deepEqual(
      collapseSlice({ shape: [64, 16, 2, 16, 2, 16], begin: [0, 0, 0, 0, 0, 0], size: [64, 16, 1, 16, 1, 16] }),
      {
        shape: [1024, 32, 32],
        begin: [0, 0, 0],
        size: [1024, 16, 16],
      },
    );
  });

  it('keeps offsets, scaled by the axes merged into them', () => {
    // Row 1 of a [4, 3] block, columns whole: element offset 3, four runs of 3.
    assert.deepEqual(collapseSlice({ shape: [2, 4, 3], begin: [1, 1, 0], size: [1, 2, 3] }), {
      shape: [2, 12],
      begin: [1, 3],
      size: [1, 6],
    });
  });

  it('leaves a slice with no whole axis alone', () => {
    const spec = { shape: [4, 4], begin: [1, 1], size: [2, 2] };
    assert.deepEqual(collapseSlice(spec), spec);
  });
});
