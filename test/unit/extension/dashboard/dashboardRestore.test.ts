import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  claimDashboard,
  dashboardKey,
  keysFromWebviewState,
  parseOpenDashboards,
} from '../../../../src/extension/dashboard/dashboardRestore';

describe('restoring dashboards', () => {
  it('reads keys the webview saved, and nothing else', () => {
    assert.deepEqual(keysFromWebviewState({ keys: ['/a', '/b'], tab: 'curves' }), ['/a', '/b']);
    for (const state of [
      undefined,
      null,
      'x',
      { tab: 'curves' },
      { keys: [] },
      { keys: [1] },
      { keys: [''] },
      { keys: 'a' },
    ])
      assert.equal(keysFromWebviewState(state), null);
  });

  it('drops malformed remembered entries', () => {
    const stored = [
      { id: '1', keys: ['/a'], title: 'demo · 1' },
      { id: 2, keys: ['/b'], title: 'x' },
      'junk',
      { id: '3', keys: [], title: 't' },
    ];
    assert.deepEqual(parseOpenDashboards(stored), [{ id: '1', keys: ['/a'], title: 'demo · 1' }]);
    assert.deepEqual(parseOpenDashboards({}), []);
  });

  it('matches a restored panel by title first, else the oldest unclaimed', () => {
    const open = [
      { id: '1', keys: ['/a'], title: 'demo · 1' },
      { id: '2', keys: ['/b', '/c'], title: 'Compare 2 runs' },
    ];
    assert.equal(claimDashboard(open, new Set(), 'Compare 2 runs')?.id, '2');
    assert.equal(claimDashboard(open, new Set(), 'renamed')?.id, '1');
    assert.equal(claimDashboard(open, new Set(['1']), 'demo · 1')?.id, '2');
    assert.equal(claimDashboard(open, new Set(['1', '2']), 'x'), null);
  });

  it('identifies a set of runs regardless of order', () => {
    assert.equal(dashboardKey(['/b', '/a', '/a']), dashboardKey(['/a', '/b']));
    assert.notEqual(dashboardKey(['/a']), dashboardKey(['/a', '/b']));
  });
});
