// The incremental events.jsonl reader on real files: appended bytes only, unfinished last
// lines, multi-byte characters split between reads, invalid lines, truncation and replacement.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  EventsFileReader,
  IncrementalEventParser,
  readAllEvents,
} from '../../../../src/extension/runs/eventsFileReader';
import type { EventsRead } from '../../../../src/extension/runs/eventsFileReader';
import { batchEnded, completedRun, logEvent, runStarted, toJsonl } from '../../../support/runEvents';

const dir = mkdtempSync(join(tmpdir(), 'medtransfer-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function reader(name: string) {
  const path = join(dir, name);
  const reads: EventsRead[] = [];
  return { path, reads, reader: new EventsFileReader(path, (read) => reads.push(read)) };
}

describe('IncrementalEventParser', () => {
  it('keeps an unfinished line and a split character until the rest arrives', () => {
    const line = `${JSON.stringify(logEvent(0, 'AUC ≥ 0.9 on µ-scans'))}\n`;
    const bytes = Buffer.from(line, 'utf8');
    const cut = bytes.indexOf(0xe2) + 1;
    const parser = new IncrementalEventParser();
    assert.deepEqual(parser.push(bytes.subarray(0, cut)).events, []);
    assert.ok(parser.pending.length > 0);
    const { events } = parser.push(bytes.subarray(cut));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type === 'log' ? events[0].message : '', 'AUC ≥ 0.9 on µ-scans');
    assert.equal(parser.pending, '');
  });

  it('numbers invalid lines across pushes', () => {
    const parser = new IncrementalEventParser();
    parser.push(Buffer.from(toJsonl([runStarted(0)])));
    const { invalidLines, events } = parser.push(
      Buffer.from(`not json\n${JSON.stringify({ type: 'log' })}\n${JSON.stringify(batchEnded(1))}\n`),
    );
    assert.deepEqual(invalidLines, [2, 3]);
    assert.equal(events.length, 1);
  });
});

describe('EventsFileReader', () => {
  it('says nothing while the file does not exist', async () => {
    const { reader: r, reads } = reader('missing.jsonl');
    await r.readNew();
    assert.deepEqual(reads, []);
  });

  it('reads only what was appended, and completes a torn last line later', async () => {
    const { path, reader: r, reads } = reader('growing.jsonl');
    const [first, second, third] = completedRun();
    assert.ok(first && second && third);
    const secondLine = JSON.stringify(second);
    writeFileSync(path, `${JSON.stringify(first)}\n${secondLine.slice(0, 20)}`);
    await r.readNew();
    assert.deepEqual(reads.at(-1)?.events, [first]);
    const offset = r.bytesRead;
    await r.readNew();
    assert.equal(reads.length, 1, 'no new bytes: no read reported');
    appendFileSync(path, `${secondLine.slice(20)}\n${JSON.stringify(third)}\n`);
    await r.readNew();
    assert.deepEqual(reads.at(-1)?.events, [second, third]);
    assert.ok(r.bytesRead > offset);
  });

  it('coalesces reads asked for while one runs', async () => {
    const { path, reader: r, reads } = reader('burst.jsonl');
    writeFileSync(path, toJsonl(completedRun()));
    await Promise.all([r.readNew(), r.readNew(), r.readNew(), r.readNew()]);
    const events = reads.flatMap((read) => read.events);
    assert.equal(events.length, completedRun().length, 'every event exactly once');
  });

  it('starts over when the file shrinks or is replaced', async () => {
    const { path, reader: r, reads } = reader('replaced.jsonl');
    writeFileSync(path, toJsonl(completedRun()));
    await r.readNew();
    writeFileSync(path, toJsonl([runStarted(0)]));
    await r.readNew();
    assert.equal(reads.at(-1)?.restarted, true);
    assert.deepEqual(reads.at(-1)?.events, [runStarted(0)]);
    rmSync(path);
    await r.readNew();
    assert.deepEqual(reads.at(-1), { events: [], invalidLines: [], restarted: true, missing: true });
  });

  it('reads a whole file at once', async () => {
    const path = join(dir, 'whole.jsonl');
    writeFileSync(path, `${toJsonl(completedRun())}garbage\n{"unfinished":`);
    const { events, invalidLines } = await readAllEvents(path);
    assert.equal(events.length, completedRun().length);
    assert.deepEqual(invalidLines, [completedRun().length + 1]);
    assert.deepEqual(await readAllEvents(join(dir, 'nope.jsonl')), { events: [], invalidLines: [] });
  });

  it('reads large files in chunks', async () => {
    const path = join(dir, 'large.jsonl');
    const events = [
      runStarted(0),
      ...Array.from({ length: 12_000 }, (_, index) => batchEnded(index + 1, (index % 5) + 1)),
    ];
    writeFileSync(path, toJsonl(events));
    const read = await readAllEvents(path);
    assert.equal(read.events.length, events.length);
    assert.equal(read.events.at(-1)?.seq, 12_000);
  });
});
