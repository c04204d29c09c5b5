import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { statusBarSpec } from '../../../../src/extension/statusBar/statusBarText';
import { epochEnded, phaseStarted, runStarted } from '../../../support/runEvents';

describe('status bar', () => {
  const state = replayRunEvents([runStarted(0), phaseStarted(1, 'finetune', 10), epochEnded(2, 3, 0.81)]);

  it('is hidden when nothing runs or waits', () => {
    assert.equal(statusBarSpec({ focused: null, activeCount: 0, queuedCount: 0 }), null);
  });

  it('shows phase, epoch and last val AUC of the followed run', () => {
    const spec = statusBarSpec({ focused: { label: 'demo · 1', state }, activeCount: 1, queuedCount: 0 });
    assert.equal(spec?.text, '$(sync~spin) fine-tuning 4/10 · val AUC 0.81');
    assert.match(spec?.tooltip ?? '', /demo · 1/);
  });

  it('counts the other runs and the queue', () => {
    assert.equal(
      statusBarSpec({ focused: { label: 'x', state }, activeCount: 3, queuedCount: 2 })?.text,
      '$(sync~spin) fine-tuning 4/10 · val AUC 0.81 (+2 running, 2 queued)',
    );
    assert.equal(
      statusBarSpec({ focused: null, activeCount: 0, queuedCount: 1 })?.text,
      '$(watch) MedTransfer: queued (1 queued)',
    );
  });
});
