import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { otherLoad } from '../../../../scripts/bench/cpuLoad';

describe('otherLoad', () => {
  it('is the busy time the measured process did not use, as a share of all cores', () => {
    // 10 s on 2 cores, 14 CPU-seconds busy of which 10 were ours: others took 4 of 20.
    assert.equal(otherLoad({ busy: 100, at: 0 }, { busy: 114, at: 10_000 }, 10, 2), 0.2);
  });

  it('stays within 0 and 1 despite tick rounding', () => {
    assert.equal(otherLoad({ busy: 100, at: 0 }, { busy: 109.99, at: 10_000 }, 10, 2), 0);
    assert.equal(otherLoad({ busy: 0, at: 0 }, { busy: 50, at: 10_000 }, 0, 2), 1);
  });

  it('is null without samples', () => {
    assert.equal(otherLoad(null, { busy: 1, at: 1 }, 0, 2), null);
  });
});
