// rocAuc against hand-worked values and against a brute-force O(N²) pairwise count written here,
// independently of the implementation's tie-group walk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rocAuc } from '../../../../src/trainer/evaluation/rocAuc';

/** Definition of AUC: over every (positive, negative) pair, 1 if the positive scores higher, ½ if tied. */
function bruteForceAuc(scores: ArrayLike<number>, positives: ArrayLike<boolean>): number | null {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positives[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positives[j]) continue;
      const si = scores[i] as number;
      const sj = scores[j] as number;
      wins += si > sj ? 1 : si === sj ? 0.5 : 0;
      pairs++;
    }
  }
  return pairs === 0 ? null : wins / pairs;
}

/** Tiny seeded PRNG (mulberry32), local so the test depends on nothing else in the trainer. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('rocAuc', () => {
  it('matches a hand-worked example', () => {
    // positives 0.35 and 0.8; negatives 0.1 and 0.4.
    // 0.35 beats 0.1 (1), loses to 0.4 (0); 0.8 beats both (2) → 3 wins / (2×2 pairs) = 0.75.
    assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
  });

  it('counts ties as half a win', () => {
    // positives 0.5, 0.3; negatives 0.5, 0.1, 0.3.
    // 0.5: beats 0.1, 0.3 (2) + ties 0.5 (½) = 2.5; 0.3: beats 0.1 (1) + ties 0.3 (½) = 1.5.
    // 4 wins / 6 pairs = 2/3.
    const auc = rocAuc([0.5, 0.3, 0.5, 0.1, 0.3], [true, true, false, false, false]);
    assert.ok(auc !== null && Math.abs(auc - 2 / 3) < 1e-15, String(auc));
  });

  it('is ½ when every score ties, 1 for a perfect ranking and 0 for a reversed one', () => {
    assert.equal(rocAuc([0.3, 0.3, 0.3, 0.3], [true, false, true, false]), 0.5);
    assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [true, true, false, false]), 1);
    assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false]), 0);
  });

  it('orders ±Infinity like any other score', () => {
    assert.equal(rocAuc([-Infinity, Infinity, 0], [false, true, true]), 1);
    assert.equal(rocAuc([Infinity, Infinity], [true, false]), 0.5);
    assert.equal(rocAuc(new Float32Array([-Infinity, -Infinity, 1]), [true, false, false]), 0.25);
  });

  it('matches the brute-force pairwise count on random data with many ties', () => {
    const random = prng(12345);
    for (const [count, levels, prevalence] of [
      [1, 3, 0.5],
      [7, 2, 0.5],
      [50, 5, 0.2],
      [400, 10, 0.5],
      [1500, 1000, 0.05],
      [2000, 4, 0.9],
    ] as const) {
      const scores = new Float32Array(count);
      const positives: boolean[] = [];
      for (let i = 0; i < count; i++) {
        const positive = random() < prevalence;
        positives.push(positive);
        // Few distinct levels → many ties; positives lean higher so AUC is not trivially ½.
        scores[i] = Math.floor((random() + (positive ? 0.3 : 0)) * levels) / levels;
      }
      const expected = bruteForceAuc(scores, positives);
      const actual = rocAuc(scores, positives);
      if (expected === null) assert.equal(actual, null);
      else assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `N=${count}: ${actual} vs ${expected}`);
    }
  });

  it('is null when undefined: no positives, no negatives, no cases, or a NaN score', () => {
    assert.equal(rocAuc([0.2, 0.7], [false, false]), null);
    assert.equal(rocAuc([0.2, 0.7], [true, true]), null);
    assert.equal(rocAuc([], []), null);
    assert.equal(rocAuc([0.2, Number.NaN, 0.4], [true, false, false]), null);
  });

  it('rejects scores and flags of different lengths', () => {
    assert.throws(() => rocAuc([0.1, 0.2], [true]), RangeError);
  });
});
