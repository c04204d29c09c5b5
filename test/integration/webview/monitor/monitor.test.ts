// The built Monitor bundle in headless Chromium at sidebar width, fed the fixture run: idle,
// caught mid-epoch, live updates, and the finished run.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { replayRunEvents, summarizeResult } from '../../../../src/shared/run/runState';
import type { RunSnapshot } from '../../../../src/shared/webview/protocol';
import { fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';
import type { FixtureRun } from '../../../support/fixtureRuns';
import { cannotRun, launchChromium, openWebview, SCREENSHOT_DIR, waitForPosted } from '../../../support/webviewPage';
import type { OpenOptions, WebviewPage } from '../../../support/webviewPage';

describe('monitor webview', { skip: cannotRun('monitor') }, () => {
  let browser: Browser;
  let demo: FixtureRun;
  const pages: WebviewPage[] = [];

  before(async () => {
    browser = await launchChromium();
    const [dir] = fixtureRunDirs();
    assert.ok(dir, 'no fixture run under test/fixtures/runs');
    demo = loadFixtureRun(dir);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  after(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
  });

  async function open(snapshots: RunSnapshot[], options: Partial<OpenOptions> = {}): Promise<WebviewPage> {
    const view = await openWebview(browser, { view: 'monitor', width: 300, height: 640, ...options });
    pages.push(view);
    await waitForPosted(view, 'ready');
    await view.post({ type: 'did-load-runs', runs: snapshots });
    await view.page.waitForSelector('#app:not([aria-busy]) > section');
    return view;
  }

  async function assertClean(view: WebviewPage): Promise<void> {
    assert.deepEqual(await view.cspViolations(), [], 'CSP violations');
    assert.deepEqual(view.pageErrors, [], 'page errors');
  }

  /** The events up to the first batch of the second epoch of a phase with several batches and epochs. */
  function midEpoch(): {
    events: TrainerEvent[];
    rest: TrainerEvent[];
    phase: TrainerEvent & { type: 'phase-started' };
  } {
    const phases = demo.events.filter(
      (event): event is TrainerEvent & { type: 'phase-started' } =>
        event.type === 'phase-started' && event.batchesPerEpoch > 1 && event.epochs > 2,
    );
    const phase = phases.find((event) => event.phase !== 'source') ?? phases[0];
    assert.ok(phase, 'a phase with several epochs of several batches');
    const cut = demo.events.findIndex(
      (event) => event.type === 'batch-ended' && event.phase === phase.phase && event.epoch === 2 && event.batch === 1,
    );
    assert.ok(cut > 0);
    return { events: demo.events.slice(0, cut + 1), rest: demo.events.slice(cut + 1), phase };
  }

  test('idle: no run, a clear message', async () => {
    const view = await open([]);
    assert.deepEqual((await view.posted())[0], { type: 'ready' });
    assert.equal(await view.page.locator('h1').textContent(), 'No active run');
    await view.page.screenshot({ path: join(SCREENSHOT_DIR, 'monitor-idle.png') });
    await assertClean(view);
  });

  test('a running run: progress bars, speed, ETA, sparklines, Stop and Open dashboard', async () => {
    const { events, rest, phase } = midEpoch();
    const state = replayRunEvents(events);
    const view = await open([{ ...demo.snapshot, events, controllable: true }], { theme: 'dark' });
    const { page } = view;
    const bar = (label: string) =>
      page
        .locator('.progress', { has: page.locator('.progress-label', { hasText: label }) })
        .locator('[role=progressbar]');
    assert.equal(
      await bar('Phase').getAttribute('aria-valuenow'),
      String(state.plannedPhases.indexOf(phase.phase) + 1),
    );
    assert.equal(await bar('Phase').getAttribute('aria-valuemax'), String(state.plannedPhases.length));
    assert.equal(await bar('Epoch').getAttribute('aria-valuenow'), '2');
    assert.equal(await bar('Epoch').getAttribute('aria-valuemax'), String(phase.epochs));
    assert.equal(await bar('Batch').getAttribute('aria-valuenow'), '1');
    assert.equal(await bar('Batch').getAttribute('aria-valuemax'), String(phase.batchesPerEpoch));
    assert.match((await page.locator('.stats dd').nth(0).textContent()) ?? '', /img\/s$/);
    assert.match((await page.locator('.stats dd').nth(1).textContent()) ?? '', /^~\d/);
    assert.equal(await page.locator('.stats dd').nth(2).textContent(), state.backend);
    const spark = page.locator('.spark canvas').first();
    await spark.waitFor();
    const box = await spark.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, `sparkline ${JSON.stringify(box)}`);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'monitor.png'), fullPage: true });

    await page.locator('.stop-button').click();
    assert.deepEqual((await view.posted()).at(-1), { type: 'stop-run', key: demo.snapshot.key });
    await page.locator('.open-dashboard').click();
    assert.deepEqual((await view.posted()).at(-1), { type: 'open-dashboard', key: demo.snapshot.key });

    // Live: the next batch moves the batch bar.
    const next = rest.findIndex((event) => event.type === 'batch-ended');
    const nextBatch = rest[next];
    assert.ok(
      nextBatch?.type === 'batch-ended' && nextBatch.batch !== 1,
      'the fixture has a later batch in the same epoch',
    );
    await view.post({ type: 'did-append-events', key: demo.snapshot.key, events: rest.slice(0, next + 1) });
    await page.waitForFunction(
      (expected) =>
        (
          globalThis as unknown as {
            document: { querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }> };
          }
        ).document
          .querySelectorAll('[role=progressbar]')[2]
          ?.getAttribute('aria-valuenow') === expected,
      String(nextBatch.batch),
    );
    await assertClean(view);
  });

  test('loading data: a decoding progress bar until the first phase', async () => {
    const started = demo.snapshot.events.find((event) => event.type === 'run-started');
    assert.ok(started);
    const decoding = {
      type: 'data-progress',
      seq: started.seq + 1,
      time: started.time,
      stage: 'decoding',
      done: 120,
      total: 800,
    } as const;
    const view = await open([{ ...demo.snapshot, events: [started, decoding], controllable: true }], { theme: 'dark' });
    const bar = view.page.locator('.progress', { has: view.page.locator('.progress-label', { hasText: 'Decoding' }) });
    assert.equal(await bar.locator('[role=progressbar]').getAttribute('aria-valuenow'), '120');
    assert.equal(await bar.locator('.progress-value').textContent(), '120 / 800 · files');
    assert.equal(await view.page.locator('[role=progressbar]:visible').count(), 1);
    await assertClean(view);
  });

  test('a finished run: its status and result, no Stop', async () => {
    const view = await open([{ ...demo.snapshot, controllable: true }], { theme: 'light' });
    const { page } = view;
    assert.match((await page.locator('.status-badge').textContent()) ?? '', new RegExp(demo.state.status, 'i'));
    const summary = summarizeResult(demo.state);
    assert.ok(summary);
    assert.equal(await page.locator('.monitor-result').textContent(), `Result: ${summary}`);
    assert.equal(await page.locator('.stop-button').count(), 0);
    assert.equal(await page.locator('[role=progressbar]:visible').count(), 0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'monitor-finished-light.png'), fullPage: true });
    await assertClean(view);
  });
});
