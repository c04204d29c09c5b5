import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_UI_STATE, restoreUiState } from '../../../../webview/src/dashboard/uiState';

test('nothing saved gives the defaults', () => {
  assert.deepEqual(restoreUiState(undefined), DEFAULT_UI_STATE);
  assert.deepEqual(restoreUiState('garbage'), DEFAULT_UI_STATE);
});

test('saved fields are kept, invalid ones fall back one by one', () => {
  const restored = restoreUiState({
    tab: 'confusion',
    smoothing: 7,
    normalized: true,
    epoch: 3,
    compareMetric: 'nope',
    extra: 1,
  });
  assert.equal(restored.tab, 'confusion');
  assert.equal(restored.smoothing, DEFAULT_UI_STATE.smoothing);
  assert.equal(restored.normalized, true);
  assert.equal(restored.epoch, 3);
  assert.equal(restored.compareMetric, DEFAULT_UI_STATE.compareMetric);
  assert.equal('extra' in restored, false);
});
