import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseEventLines } from '../../../../src/shared/run/eventLines';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { appendEventToRun, hostRunEndedEvent } from '../../../../src/extension/runs/recordRunEnd';
import { batchEnded, runStarted, toJsonl } from '../../../support/runEvents';

const root = mkdtempSync(join(tmpdir(), 'medtransfer-end-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('recording the end of a run the trainer could not end', () => {
  it('continues the sequence and measures from the start', () => {
    const state = replayRunEvents([runStarted(0), batchEnded(1)]);
    const event = hostRunEndedEvent(
      state,
      'failed',
      'the trainer was killed by SIGKILL',
      new Date(Date.parse(runStarted(0).time) + 90_000),
    );
    assert.equal(event.seq, 2);
    assert.equal(event.seconds, 90);
    assert.equal(event.status, 'failed');
  });

  it('appends after a torn last line, so both stay readable', async () => {
    const runDir = join(root, 'demo', '20261124-101500');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'events.jsonl'), `${toJsonl([runStarted(0)])}{"seq":1,"ty`);
    const event = hostRunEndedEvent(replayRunEvents([runStarted(0)]), 'failed', 'crashed', new Date());
    assert.equal(await appendEventToRun(runDir, event), true);
    const parsed = parseEventLines(readFileSync(join(runDir, 'events.jsonl'), 'utf8'));
    assert.deepEqual(parsed.invalidLines, [2]);
    assert.equal(replayRunEvents(parsed.events).status, 'failed');
  });

  it('writes nothing when the run folder was never made', async () => {
    const event = hostRunEndedEvent(replayRunEvents([]), 'failed', 'x', new Date());
    assert.equal(event.seq, 0);
    assert.equal(await appendEventToRun(join(root, 'never', '20261124-101500'), event), false);
  });
});
