import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCompareData, buildCurveData, CURVE_GROUPS } from '../../../../webview/src/dashboard/curveSeries';
import { fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';
import { epochRecord } from '../../../support/runRecords';

const epochs = [
  epochRecord('source', 1, 2),
  epochRecord('source', 2, 2),
  epochRecord('head', 1, 2, { loss: 0.9 }),
  epochRecord('head', 2, 2, { loss: 0.8 }),
  epochRecord('finetune', 1, 3, { loss: 0.5 }),
  epochRecord('scratch', 1, 4, { loss: 0.7 }),
  epochRecord('scratch', 2, 4, { loss: 0.6 }),
];

test('head and fine-tune continue one axis; scratch shares it; a marker shows where fine-tuning starts', () => {
  const data = buildCurveData(epochs, 'loss', [CURVE_GROUPS['fine-tuned'], CURVE_GROUPS.scratch]);
  assert.deepEqual(data.x, [1, 2, 3]);
  const line = (label: string) => data.lines.find((candidate) => candidate.label === label)?.values;
  assert.deepEqual(line('Fine-tuned · train'), [0.9, 0.8, 0.5]);
  assert.deepEqual(line('Scratch · train'), [0.7, 0.6, null]);
  assert.equal(data.lines.length, 4);
  assert.deepEqual(data.markers, [{ x: 2.5, label: 'Fine-tune →' }]);
});

test('validation-only metrics have no training line', () => {
  const data = buildCurveData(epochs, 'auc', [CURVE_GROUPS.source]);
  assert.deepEqual(
    data.lines.map((line) => line.split),
    ['val'],
  );
  assert.deepEqual(data.x, [1, 2]);
});

test('groups without epochs give no lines', () => {
  const data = buildCurveData(
    epochs.filter((record) => record.phase !== 'scratch'),
    'loss',
    [CURVE_GROUPS['fine-tuned'], CURVE_GROUPS.scratch],
  );
  assert.ok(data.lines.every((line) => line.group === 'fine-tuned'));
  assert.deepEqual(buildCurveData([], 'loss', [CURVE_GROUPS.source]), { x: [], lines: [], markers: [] });
});

test('compare data: one line per run, padded to the longest', () => {
  const runs = [
    { key: 'a', label: 'A', epochs },
    { key: 'b', label: 'B', epochs: epochs.filter((record) => record.phase !== 'finetune') },
  ];
  const data = buildCompareData(runs, 'loss', 'train', CURVE_GROUPS['fine-tuned']);
  assert.deepEqual(
    data.lines.map((line) => line.label),
    ['A', 'B'],
  );
  assert.deepEqual(data.lines[1]?.values, [0.9, 0.8, null]);
  assert.deepEqual(buildCompareData(runs, 'auc', 'train', CURVE_GROUPS.scratch).lines, []);
});

test('the fixture run gives as many points as its epochs of each model', () => {
  const [dir] = fixtureRunDirs();
  assert.ok(dir);
  const { state } = loadFixtureRun(dir);
  const data = buildCurveData(state.epochs, 'accuracy', [CURVE_GROUPS['fine-tuned'], CURVE_GROUPS.scratch]);
  const count = (phases: readonly string[]) => state.epochs.filter((record) => phases.includes(record.phase)).length;
  const fineTuned = data.lines.find((line) => line.group === 'fine-tuned' && line.split === 'val');
  assert.equal(fineTuned?.values.filter((value) => value !== null).length, count(['head', 'finetune']));
  assert.equal(data.x.length, Math.max(count(['head', 'finetune']), count(['scratch'])));
});
