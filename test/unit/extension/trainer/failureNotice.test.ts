import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureNotice, resumeFailureNotice } from '../../../../src/extension/trainer/failureNotice';
import { ERROR_KINDS, errorKindAdvice } from '../../../../src/shared/run/errorKind';

const LABEL = 'demo · 20261124-101500';

describe('the failure notification', () => {
  it('says the kind in words, the message, and what to do', () => {
    assert.equal(
      failureNotice(LABEL, {
        status: 'failed',
        error: 'out of memory in the source phase with batchSize 1024 (RangeError: Array buffer allocation failed)',
        errorKind: 'out-of-memory',
      }),
      'MedTransfer: run demo · 20261124-101500 failed (out of memory): out of memory in the source phase with ' +
        'batchSize 1024 (RangeError: Array buffer allocation failed). Lower `training.batchSize` or ' +
        '`model.inputShape`, or choose a backend with more memory, then run it again.',
    );
  });

  it('does not repeat interrupted, and offers what Resume does', () => {
    assert.equal(
      failureNotice(LABEL, {
        status: 'interrupted',
        error: 'the trainer was killed by SIGKILL',
        errorKind: 'interrupted',
      }),
      `MedTransfer: run ${LABEL} was interrupted: the trainer was killed by SIGKILL. ${errorKindAdvice('interrupted')}`,
    );
  });

  it('shows the message alone for a run older than errorKind', () => {
    assert.equal(
      failureNotice(LABEL, { status: 'failed', error: 'dataset not found.', errorKind: null }),
      `MedTransfer: run ${LABEL} failed: dataset not found.`,
    );
  });

  it('has advice for every kind', () => {
    for (const kind of ERROR_KINDS) {
      const notice = failureNotice(LABEL, { status: 'failed', error: 'x', errorKind: kind });
      assert.ok(notice.endsWith(errorKindAdvice(kind)), notice);
      assert.ok(errorKindAdvice(kind).length > 20, kind);
    }
  });
});

describe('the notification for a resume that did not start', () => {
  it('says the run could not be resumed, the kind, the message and what to do', () => {
    assert.equal(
      resumeFailureNotice(LABEL, { error: 'no backend could start: tfjs-node is not installed', errorKind: 'backend' }),
      `MedTransfer: run ${LABEL} could not be resumed (backend problem): no backend could start: tfjs-node is not ` +
        `installed. ${errorKindAdvice('backend')}`,
    );
  });
});
