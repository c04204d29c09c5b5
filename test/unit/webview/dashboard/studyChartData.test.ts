// The label-efficiency chart's data and the study's runs table, from the study.json fixture built
// with the core's types.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadRuns } from '../../../../webview/src/common/runCollection';
import { buildStudyTable } from '../../../../webview/src/dashboard/runsTableData';
import {
  fittedValue,
  goalSentence,
  labelEfficiencyData,
  logGrid,
  valueRange,
} from '../../../../webview/src/dashboard/studyChartData';
import { studyProgressText } from '../../../../webview/src/dashboard/studyProgress';
import { savingFactorPhrase } from '../../../../src/shared/study/savingFactorText';
import { CURVES, GOAL, studyFixture } from '../../../support/studyFixture';

describe('study chart data', () => {
  test('the fitted curve is 1 − (a·n^−b + c), drawn on a log grid that spans the measured counts', () => {
    assert.equal(fittedValue({ a: 0.2, b: 1, c: 0.05 }, 10), 1 - (0.02 + 0.05));
    const grid = logGrid(5, 320, 7);
    assert.equal(grid.length, 7);
    assert.equal(grid[0], 5);
    assert.equal(grid[6], 320);
    assert.ok(Math.abs((grid[1] ?? 0) / 5 - 2) < 1e-9, 'equal ratios: 5, 10, 20 … 320');
    assert.deepEqual(logGrid(0, 10, 5), [], 'no log grid through 0');
  });

  test('points of completed runs only, fitted values within [0, 1], the goal and the crossover', () => {
    const { record } = studyFixture();
    assert.ok(record.analysis);
    const data = labelEfficiencyData(record.analysis);
    assert.ok(data);
    for (const model of data.models) {
      assert.deepEqual(
        model.points.map((point) => point.labelsPerClass),
        [5, 20, 80],
        'the point without a completed run is left out',
      );
      const at = data.grid.findIndex((n) => n >= 20);
      const n = data.grid[at] ?? 20;
      assert.ok(Math.abs((model.fitted?.[at] ?? 0) - fittedValue(CURVES[model.model], n)) < 1e-12);
    }
    assert.equal(data.goal, GOAL);
    assert.equal(data.crossover, 80);
    const [low, high] = valueRange(data);
    assert.ok(low <= Math.min(...data.models.flatMap((model) => model.points.map((point) => point.low))));
    assert.ok(high >= GOAL && high <= 1);
    assert.equal(
      goalSentence('Fine-tuned', 'AUC 0.90', data.models[0]?.fit ?? null, 80),
      'Fine-tuned reaches AUC 0.90 with about 13 labels per class [8.9, 19].',
    );
    const flat = data.models[1]?.fit;
    assert.ok(flat?.toGoal);
    assert.equal(
      goalSentence('Scratch', 'AUC 0.90', { ...flat, toGoal: { ...flat.toGoal, estimate: null } }, 80),
      'Scratch does not reach AUC 0.90: its curve levels off below it.',
    );
    const fine = data.models[0]?.fit;
    assert.ok(fine?.toGoal);
    assert.equal(
      goalSentence('Scratch', 'AUC 0.90', { ...fine, toGoal: { ...fine.toGoal, estimate: 1.4 } }, 80, 5),
      'Scratch reaches AUC 0.90 with about 1.4 labels per class [8.9, 19], below the data (< 5).',
    );
    assert.equal(labelEfficiencyData({ ...record.analysis, series: [] }), null);
  });

  test('the label-saving factor reads as fewer labels, or as more when transfer needs more', () => {
    assert.equal(
      savingFactorPhrase({ factor: 3.24, atLeast: false }),
      'needs 3.2× fewer labels than scratch to reach the goal',
    );
    assert.equal(
      savingFactorPhrase({ factor: 12.6, atLeast: true }),
      'needs at least 13× fewer labels than scratch to reach the goal',
    );
    assert.equal(
      savingFactorPhrase({ factor: 1.4 / 226, atLeast: false }),
      'needs 161× more labels than scratch to reach the goal',
    );
    assert.equal(
      savingFactorPhrase({ factor: 0.5, atLeast: false }),
      'needs 2.0× more labels than scratch to reach the goal',
    );
  });

  test('the study table lists every run of study.json, started or not, with its point and seed', () => {
    const { record, snapshots } = studyFixture();
    const table = buildStudyTable(record, loadRuns(snapshots));
    assert.deepEqual(table.settingColumns, ['target.labelsPerClass', 'seed']);
    assert.equal(table.rows.length, 12);
    assert.deepEqual(
      table.rows.map((row) => row.settings[0]),
      [5, 5, 5, 20, 20, 20, 80, 80, 80, 'all', 'all', 'all'],
    );
    assert.deepEqual(
      table.rows.slice(9).map((row) => [row.status, row.openable]),
      [
        ['running', true],
        ['failed', false],
        ['pending', false],
      ],
    );
    assert.equal(studyProgressText(record), '10 of 12 runs done · 1 running, 1 failed');
  });
});
