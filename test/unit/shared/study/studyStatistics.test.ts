// The study's statistics against an independent implementation: scipy (Debian's python3-scipy)
// on the same numbers: quantiles, the inverse-power-law fit (curve_fit) with its covariance, the
// labels to the goal with their interval, and the seed-combined interval.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { normalQuantile, tQuantile } from '../../../../src/shared/study/analysis/distributions';
import { labelsToGoal } from '../../../../src/shared/study/analysis/labelsToGoal';
import { fitPowerLaw } from '../../../../src/shared/study/analysis/powerLawFit';
import { combineSeeds } from '../../../../src/shared/study/analysis/seedInterval';
import { repoRoot } from '../../../support/paths';
import { skipIfMissing } from '../../../support/prerequisites';
import { TORCH_PYTHON } from '../../../support/pythonFixtures';

const T_CASES: [number, number][] = [
  [0.975, 1],
  [0.975, 2],
  [0.975, 2.7],
  [0.975, 9],
  [0.995, 4],
  [0.025, 3],
  [0.9, 30],
  [0.975, 5000],
];
const NORMAL_CASES = [0.5, 0.975, 0.995, 0.001, 0.9999, 0.3];

/** Learning curves as a study gives them: 3 seeds at 4 label counts, the errors with seed noise. */
const NOISE = [0.012, -0.009, -0.004, 0.006, -0.011, 0.005, -0.003, 0.008, -0.006, 0.004, -0.002, -0.001];
function curve(a: number, b: number, c: number) {
  const n = [5, 5, 5, 20, 20, 20, 80, 80, 80, 400, 400, 400];
  return { n, error: n.map((count, i) => a * count ** -b + c + (NOISE[i] ?? 0)) };
}
const CURVES = [
  { ...curve(0.6, 0.55, 0.08), goalError: 0.1 },
  { ...curve(0.35, 0.4, 0.05), goalError: 0.12 },
  // The goal lies beyond the asymptote: never reached.
  { ...curve(0.5, 0.7, 0.2), goalError: 0.15 },
];

const SEED_CASES = [
  {
    values: [0.81, 0.84, 0.79],
    intervals: [
      [0.75, 0.87],
      [0.78, 0.9],
      [0.72, 0.85],
    ],
    bootstrapLevel: 0.95,
    level: 0.95,
  },
  {
    values: [0.05, 0.12, -0.01, 0.07],
    intervals: [
      [-0.02, 0.12],
      [0.04, 0.2],
      [-0.09, 0.07],
      [0, 0.14],
    ],
    bootstrapLevel: 0.9,
    level: 0.95,
  },
];

function reference(request: object): Record<string, unknown> {
  const result = spawnSync(TORCH_PYTHON, [join(repoRoot, 'test/fixtures/study/scipyReference.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`scipyReference.py failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs scipy ${expected}`,
  );
}

const missing =
  existsSync(TORCH_PYTHON) && spawnSync(TORCH_PYTHON, ['-c', 'import scipy.optimize, scipy.stats']).status === 0
    ? false
    : `python3-scipy for ${TORCH_PYTHON}`;

describe('study statistics against scipy', { skip: skipIfMissing(missing) }, () => {
  const scipy = reference({
    t: T_CASES,
    normal: NORMAL_CASES,
    curves: CURVES.map((one) => {
      // The same starting point for both: curve_fit's own default (1, 1, 1) can wander off.
      const fit = fitPowerLaw(one.n.map((n, i) => ({ n, error: one.error[i] ?? 0 })));
      return { ...one, p0: fit ? [fit.a * 1.3, fit.b * 0.8, fit.c * 0.7] : [1, 1, 0] };
    }),
    seedIntervals: SEED_CASES,
  });

  it('gives the quantiles of Student’s t and the normal', () => {
    // 1e-8: scipy’s own t.ppf is good to about 1e-9 (its cdf at its ppf(0.9, 30) is 0.8999999995).
    T_CASES.forEach(([p, df], i) => close(tQuantile(p, df), (scipy.t as number[])[i] ?? NaN, 1e-8, `t(${p}, ${df})`));
    NORMAL_CASES.forEach((p, i) => close(normalQuantile(p), (scipy.normal as number[])[i] ?? NaN, 1e-9, `z(${p})`));
  });

  it('fits the inverse power law as curve_fit does, with the same covariance and labels to the goal', () => {
    const fits = scipy.fits as { params: number[]; covariance: number[][]; toGoal: number[] | null }[];
    CURVES.forEach((one, index) => {
      const fit = fitPowerLaw(one.n.map((n, i) => ({ n, error: one.error[i] ?? 0 })));
      const expected = fits[index];
      assert.ok(fit && expected, `curve ${index} fitted`);
      close(fit.a, expected.params[0] ?? NaN, 1e-5, `a of curve ${index}`);
      close(fit.b, expected.params[1] ?? NaN, 1e-5, `b of curve ${index}`);
      close(fit.c, expected.params[2] ?? NaN, 1e-5, `c of curve ${index}`);
      assert.ok(fit.covariance);
      fit.covariance.forEach((row, i) =>
        row.forEach((value, j) =>
          close(value, expected.covariance[i]?.[j] ?? NaN, 1e-4, `covariance[${i}][${j}] of curve ${index}`),
        ),
      );
      const toGoal = labelsToGoal(fit, one.goalError, 400, 0.95);
      if (expected.toGoal === null) {
        assert.equal(toGoal.estimate, null, `curve ${index} never reaches the goal`);
        assert.equal(toGoal.beyondData, true);
      } else {
        close(toGoal.estimate ?? NaN, expected.toGoal[0] ?? NaN, 1e-5, `labels to the goal of curve ${index}`);
        close(toGoal.low ?? NaN, expected.toGoal[1] ?? NaN, 1e-4, `its low end`);
        close(toGoal.high ?? NaN, expected.toGoal[2] ?? NaN, 1e-4, `its high end`);
      }
    });
  });

  it('combines seed variation and test-set sampling into the interval of the mean', () => {
    SEED_CASES.forEach((one, index) => {
      const combined = combineSeeds(
        one.values.map((value, i) => ({
          value,
          interval: {
            low: one.intervals[i]?.[0] ?? NaN,
            high: one.intervals[i]?.[1] ?? NaN,
            level: one.bootstrapLevel,
          },
        })),
        one.level,
      );
      const [mean, low, high] = (scipy.seedIntervals as number[][])[index] ?? [];
      assert.ok(combined);
      close(combined.mean, mean ?? NaN, 1e-12, 'mean');
      close(combined.low, low ?? NaN, 1e-8, 'low');
      close(combined.high, high ?? NaN, 1e-8, 'high');
    });
  });
});

describe('study statistics', () => {
  it('widens the interval towards Student’s t with few seeds and no sampling error', () => {
    const combined = combineSeeds(
      [0.8, 0.9, 0.85].map((value) => ({ value, interval: null })),
      0.95,
    );
    assert.ok(combined);
    // sd 0.05, k 3: mean ± t(0.975, 2)·0.05/√3 = 0.85 ± 0.1242
    close(combined.high - combined.mean, (4.302652729911275 * 0.05) / Math.sqrt(3), 1e-9, 'half width');
    assert.equal(combined.samplingSe, null);
  });

  it('refuses to fit fewer than three label counts', () => {
    assert.equal(
      fitPowerLaw([
        { n: 5, error: 0.3 },
        { n: 5, error: 0.31 },
        { n: 20, error: 0.2 },
        { n: 20, error: 0.22 },
      ]),
      null,
    );
  });
});
