// The experiments table's rows, sort and filter, built from the recorded fixture runs (numbers
// read from them) and from a copy of one caught while it runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadRuns } from '../../../../webview/src/common/runCollection';
import { buildRunsTable, filterRows, sortRows } from '../../../../webview/src/dashboard/runsTableData';
import { eventsBefore, fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';

function fixtureTable() {
  const [first, second] = fixtureRunDirs().map((dir) => loadFixtureRun(dir));
  assert.ok(first && second, 'two fixture runs');
  const running = loadFixtureRun(first.dir, {
    key: `${first.dir}-running`,
    label: 'demo · running',
    events: eventsBefore(first.events, (event) => event.type === 'evaluation'),
    settings: { ...first.snapshot.settings, 'fineTune.trainableBlocks': 10 },
  });
  const runs = loadRuns([first.snapshot, second.snapshot, running.snapshot]);
  return { first, second, running, data: buildRunsTable(runs) };
}

describe('experiments table data', () => {
  test('a row a run: status, the differing settings, AUC and gain with their intervals, duration', () => {
    const { first, data } = fixtureTable();
    assert.deepEqual(data.settingColumns, ['fineTune.strategy', 'fineTune.trainableBlocks']);
    const [row, , running] = data.rows;
    assert.ok(row && running);
    const auc = first.state.evaluations['fine-tuned']?.intervals?.auc;
    const gain = first.state.comparison?.gain.auc;
    assert.ok(auc && gain, 'the fixture has intervals and a comparison');
    assert.deepEqual(row.aucFineTuned, { estimate: auc.estimate, low: auc.low, high: auc.high });
    assert.deepEqual(row.gain, { estimate: gain.estimate, low: gain.low, high: gain.high });
    assert.equal(row.seconds, first.state.seconds);
    assert.equal(row.statusText, 'Completed');
    assert.equal(running.status, 'running');
    assert.equal(running.aucFineTuned, null);
    assert.deepEqual(running.settings, [first.snapshot.settings['fineTune.strategy'], 10]);
  });

  test('sorts numbers high first when asked, missing values last in both directions, ties stable', () => {
    const { data } = fixtureTable();
    const byAuc = (descending: boolean) =>
      sortRows(data, { column: 'auc', descending }).map((row) => row.aucFineTuned?.estimate ?? null);
    const down = byAuc(true);
    const up = byAuc(false);
    assert.equal(down.at(-1), null);
    assert.equal(up.at(-1), null);
    assert.ok((down[0] ?? 0) > (down[1] ?? 1));
    assert.ok((up[0] ?? 1) < (up[1] ?? 0));
    const bySetting = sortRows(data, { column: 'setting:fineTune.trainableBlocks', descending: false });
    assert.deepEqual(
      bySetting.map((row) => row.settings[1]),
      [...data.rows.map((row) => row.settings[1])].sort((a, b) => Number(a) - Number(b)),
    );
    assert.deepEqual(sortRows(data, null), data.rows);
  });

  test('filters by text and by column conditions, naming columns it does not know', () => {
    const { data, second } = fixtureTable();
    const keys = (filter: string) => filterRows(data, data.rows, filter).rows.map((row) => row.key);
    const secondAuc = second.state.evaluations['fine-tuned']?.auc ?? 0;
    assert.deepEqual(keys(`auc<=${secondAuc}`), [second.dir]);
    assert.equal(keys('auc>0').length, 2, 'a running run has no AUC to compare');
    assert.equal(keys('status=running').length, 1);
    assert.equal(keys('status!=running').length, 2);
    assert.deepEqual(keys('trainableBlocks=10'), [`${data.rows[0]?.key}-running`]);
    assert.equal(keys('PARTIAL').length, 1, 'text matches setting values, ignoring case');
    assert.equal(keys('running, trainableBlocks>=10').length, 1);
    assert.equal(keys('').length, 3);
    const unknown = filterRows(data, data.rows, 'lr>1');
    assert.deepEqual(unknown.unknownColumns, ['lr']);
    assert.equal(unknown.rows.length, 3, 'an unknown column filters nothing out');
  });
});
