import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differingSettings } from '../../../../webview/src/dashboard/settingsDiff';

test('only keys whose values differ, sorted, a missing key counting as different', () => {
  const differences = differingSettings([
    { 'fineTune.strategy': 'two-phase', 'training.batchSize': 32, seed: 42, 'source.epochs': 3 },
    { 'fineTune.strategy': 'full', 'training.batchSize': 32, seed: 42 },
  ]);
  assert.deepEqual(differences, [
    { key: 'fineTune.strategy', values: ['two-phase', 'full'] },
    { key: 'source.epochs', values: [3, undefined] },
  ]);
});

test('one run, or identical runs, have no differences; null and false are values', () => {
  assert.deepEqual(differingSettings([{ a: 1 }]), []);
  assert.deepEqual(differingSettings([{ a: 1 }, { a: 1 }, { a: 1 }]), []);
  assert.deepEqual(differingSettings([{ a: null }, { a: false }]), [{ key: 'a', values: [null, false] }]);
});

test('keys sort numerically where they hold numbers', () => {
  assert.deepEqual(
    differingSettings([{ 'x.10': 1, 'x.9': 1 }, {}]).map((difference) => difference.key),
    ['x.9', 'x.10'],
  );
});
