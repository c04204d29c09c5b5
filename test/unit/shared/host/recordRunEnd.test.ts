import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseEventLines } from '../../../../src/shared/run/eventLines';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { appendEventToRun, hostRunEndedEvent } from '../../../../src/shared/host/recordRunEnd';
import { batchEnded, runStarted, toJsonl } from '../../../support/runEvents';

const root = mkdtempSync(join(tmpdir(), 'medtransfer-end-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('recording the end of a run the trainer could not end', () => {
  it('continues the sequence, measures from the start, and records how the host saw it end', () => {
    const state = replayRunEvents([runStarted(0), batchEnded(1)]);
    const event = hostRunEndedEvent(
      state,
      { status: 'interrupted', error: 'the trainer was killed by SIGKILL', errorKind: 'interrupted' },
      new Date(Date.parse(runStarted(0).time) + 90_000),
    );
    assert.equal(event.seq, 2);
    assert.equal(event.seconds, 90);
    assert.equal(event.status, 'interrupted');
    assert.equal(event.errorKind, 'interrupted');
    const ended = replayRunEvents([runStarted(0), batchEnded(1), event]);
    assert.equal(ended.status, 'interrupted');
    assert.equal(ended.errorKind, 'interrupted', 'the run state reducer carries it');
  });

  it('appends after a torn last line, so both stay readable', async () => {
    const runDir = join(root, 'demo', '20261124-101500');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'events.jsonl'), `${toJsonl([runStarted(0)])}{"seq":1,"ty`);
    const event = hostRunEndedEvent(
      replayRunEvents([runStarted(0)]),
      { status: 'failed', error: 'crashed', errorKind: 'internal' },
      new Date(),
    );
    assert.equal(await appendEventToRun(runDir, event), true);
    const parsed = parseEventLines(readFileSync(join(runDir, 'events.jsonl'), 'utf8'));
    assert.deepEqual(parsed.invalidLines, [2]);
    const state = replayRunEvents(parsed.events);
    assert.equal(state.status, 'failed');
    assert.equal(state.errorKind, 'internal');
  });

  it('writes nothing when the run folder was never made', async () => {
    const event = hostRunEndedEvent(
      replayRunEvents([]),
      { status: 'failed', error: 'x', errorKind: 'internal' },
      new Date(),
    );
    assert.equal(event.seq, 0);
    assert.equal(await appendEventToRun(join(root, 'never', '20261124-101500'), event), false);
  });
});
