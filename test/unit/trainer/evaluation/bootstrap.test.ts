// The stratified bootstrap: the same seed draws the same resamples, every resample keeps the class
// counts, and the fast weighted statistics give the same intervals as materialising each
// resample and computing it plainly (rocAuc, counts, numpy-style percentiles written out here).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrap, casesByClass, StratifiedResampler } from '../../../../src/trainer/evaluation/bootstrap';
import { rocAuc } from '../../../../src/trainer/evaluation/rocAuc';
import {
  differenceStatistic,
  HEADLINE,
  headlineStatistic,
  perClassIndex,
} from '../../../../src/trainer/evaluation/weightedMetrics';
import { SeededRandom } from '../../../../src/trainer/random';

/** A binary problem of `count` cases, scores in hundredths (ties), ~30% positive. */
function binaryCase(count: number, seed: number, signal: number) {
  const random = new SeededRandom(seed);
  const labels = Int32Array.from({ length: count }, () => (random.next() < 0.3 ? 1 : 0));
  const probabilities = new Float32Array(count * 2);
  labels.forEach((label, i) => {
    const p =
      Math.round(Math.min(1, Math.max(0, 0.5 + (label === 1 ? signal : -signal) + random.normal() * 0.25)) * 100) / 100;
    probabilities[2 * i] = 1 - p;
    probabilities[2 * i + 1] = p;
  });
  return { labels, probabilities };
}

/** numpy.percentile's default (linear) on a plain array. */
function numpyPercentile(values: number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * percent) / 100;
  const lo = Math.floor(h);
  return (
    (sorted[lo] as number) +
    (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] as number) - (sorted[lo] as number))
  );
}

describe('stratified resampling', () => {
  const { labels } = binaryCase(200, 1, 0.2);
  const groups = casesByClass(labels, 2);

  it('is deterministic per seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const resampler = new StratifiedResampler(groups, seed);
      return [resampler.nextIndices(), resampler.nextIndices()].map((indices) => [...indices]);
    };
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
  });

  it('keeps every class’s count in every resample, and weights match the indices', () => {
    const byIndex = new StratifiedResampler(groups, 11);
    const byWeight = new StratifiedResampler(groups, 11);
    const weights = new Int32Array(labels.length);
    const positives = labels.reduce((sum, label) => sum + label, 0);
    for (let r = 0; r < 50; r++) {
      const indices = byIndex.nextIndices();
      byWeight.nextWeights(weights);
      assert.equal(indices.length, labels.length);
      assert.equal([...indices].filter((i) => labels[i] === 1).length, positives);
      const counted = new Int32Array(labels.length);
      for (const i of indices) counted[i] = (counted[i] as number) + 1;
      assert.deepEqual([...counted], [...weights]);
    }
  });
});

describe('bootstrap intervals', () => {
  const { labels, probabilities } = binaryCase(300, 2, 0.15);
  const threshold = 0.45;
  const options = { resamples: 400, level: 0.95, seed: 5 };

  it('equal the percentiles of each resample computed plainly', () => {
    const result = bootstrap(
      headlineStatistic({ probabilities, labels, classCount: 2, positiveClass: 1, threshold }),
      labels,
      2,
      options,
    );
    const resampler = new StratifiedResampler(casesByClass(labels, 2), options.seed);
    const aucs: number[] = [];
    const sensitivities: number[] = [];
    const specificities: number[] = [];
    for (let r = 0; r < options.resamples; r++) {
      const indices = [...resampler.nextIndices()];
      const scores = indices.map((i) => probabilities[2 * i + 1] as number);
      const isPositive = indices.map((i) => labels[i] === 1);
      aucs.push(rocAuc(scores, isPositive) as number);
      const positives = isPositive.filter(Boolean).length;
      sensitivities.push(scores.filter((s, k) => isPositive[k] && s >= threshold).length / positives);
      specificities.push(scores.filter((s, k) => !isPositive[k] && s < threshold).length / (scores.length - positives));
    }
    const check = (index: number, values: number[], what: string) => {
      const interval = result.intervals[index];
      assert.ok(interval, what);
      assert.ok(
        Math.abs(interval.low - numpyPercentile(values, 2.5)) < 1e-12,
        `${what} low ${interval.low} vs ${numpyPercentile(values, 2.5)}`,
      );
      assert.ok(Math.abs(interval.high - numpyPercentile(values, 97.5)) < 1e-12, `${what} high`);
    };
    check(HEADLINE.auc, aucs, 'AUC');
    check(HEADLINE.sensitivity, sensitivities, 'sensitivity');
    check(HEADLINE.specificity, specificities, 'specificity');
    check(
      HEADLINE.balancedAccuracy,
      sensitivities.map((s, k) => (s + (specificities[k] as number)) / 2),
      'balanced accuracy',
    );
    // The estimate is the plain value on all cases.
    const scores = Array.from({ length: labels.length }, (_, i) => probabilities[2 * i + 1] as number);
    assert.ok(
      Math.abs(
        (result.estimates[HEADLINE.auc] as number) -
          (rocAuc(
            scores,
            Array.from(labels, (l) => l === 1),
          ) as number),
      ) < 1e-12,
    );
    const interval = result.intervals[HEADLINE.auc];
    assert.ok(
      interval &&
        interval.low < (result.estimates[HEADLINE.auc] as number) &&
        (result.estimates[HEADLINE.auc] as number) < interval.high,
    );
  });

  it('a paired difference of a model with itself is exactly 0 on every resample', () => {
    const statistic = headlineStatistic({ probabilities, labels, classCount: 2, positiveClass: 1, threshold });
    const result = bootstrap(differenceStatistic(statistic, statistic), labels, 2, { ...options, resamples: 50 });
    assert.deepEqual(result.intervals[HEADLINE.auc], { low: 0, high: 0 });
  });

  it('multi-class: macro AUC and mean recall, per class one-vs-rest', () => {
    const random = new SeededRandom(9);
    const count = 150;
    const multiLabels = Int32Array.from({ length: count }, () => random.integer(3));
    const multi = new Float32Array(count * 3);
    multiLabels.forEach((label, i) => {
      const raw = [0, 1, 2].map((k) => Math.exp(random.normal() + (k === label ? 1 : 0)));
      const sum = raw.reduce((a, b) => a + b, 0);
      raw.forEach((value, k) => (multi[3 * i + k] = value / sum));
    });
    const statistic = headlineStatistic({
      probabilities: multi,
      labels: multiLabels,
      classCount: 3,
      positiveClass: null,
      threshold: null,
    });
    const values = statistic(null);
    const perClassAuc = [0, 1, 2].map(
      (k) =>
        rocAuc(
          Array.from({ length: count }, (_, i) => multi[3 * i + k] as number),
          Array.from(multiLabels, (l) => l === k),
        ) as number,
    );
    assert.ok(Math.abs((values[HEADLINE.auc] as number) - perClassAuc.reduce((a, b) => a + b, 0) / 3) < 1e-12);
    perClassAuc.forEach((auc, k) => assert.ok(Math.abs((values[perClassIndex(k, 0)] as number) - auc) < 1e-12));
    assert.ok(Number.isNaN(values[HEADLINE.sensitivity]));
  });

  it('1,000 resamples of a 624-case test set, two models paired, take well under a second', () => {
    const fineTuned = binaryCase(624, 3, 0.2);
    const scratch = binaryCase(624, 4, 0.1);
    const a = headlineStatistic({ ...fineTuned, classCount: 2, positiveClass: 1, threshold: 0.5 });
    const b = headlineStatistic({
      probabilities: scratch.probabilities,
      labels: fineTuned.labels,
      classCount: 2,
      positiveClass: 1,
      threshold: 0.5,
    });
    // CPU time of this process, so other work on a busy machine does not count.
    const started = process.cpuUsage();
    bootstrap(a, fineTuned.labels, 2, { resamples: 1000, level: 0.95, seed: 1 });
    bootstrap(b, fineTuned.labels, 2, { resamples: 1000, level: 0.95, seed: 1 });
    bootstrap(differenceStatistic(a, b), fineTuned.labels, 2, { resamples: 1000, level: 0.95, seed: 1 });
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    console.log(`bootstrap: 3 × 1,000 resamples of 624 cases in ${ms.toFixed(0)} ms of CPU`);
    assert.ok(ms < 1500, `${ms} ms`);
  });
});
