// The experiments table in the built dashboard bundle, in headless Chromium: the fixture runs of
// one experiment plus a copy caught while it runs, fed as the host feeds a table. The numbers
// checked are read from the fixture.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunSnapshot, RunTable } from '../../../../src/shared/webview/protocol';
import { formatDuration } from '../../../../webview/src/common/viewFormat';
import { DEFAULT_UI_STATE } from '../../../../webview/src/dashboard/uiState';
import { formatEstimate } from '../../../../webview/src/dashboard/runsTableData';
import { eventsBefore, fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';
import type { FixtureRun } from '../../../support/fixtureRuns';
import { cannotRun, launchChromium, openWebview, SCREENSHOT_DIR, waitForPosted } from '../../../support/webviewPage';
import type { WebviewPage } from '../../../support/webviewPage';
import type { ThemeName } from '../../../support/webviewThemes';

const TABLE: RunTable = {
  kind: 'experiment',
  name: 'demo',
  file: 'experiments/demo.experiment.yaml',
  path: '/work/experiments/demo.experiment.yaml',
};

describe('experiments table webview', { skip: cannotRun('dashboard') }, () => {
  let browser: Browser;
  let first: FixtureRun;
  let second: FixtureRun;
  let running: FixtureRun;
  const pages: WebviewPage[] = [];

  before(async () => {
    browser = await launchChromium();
    const [a, b] = fixtureRunDirs().map((dir) => loadFixtureRun(dir));
    assert.ok(a && b, 'two fixture runs');
    first = a;
    second = b;
    running = loadFixtureRun(a.dir, {
      key: `${a.dir}-running`,
      label: 'demo · <img src=x onerror=alert(1)>',
      events: eventsBefore(a.events, (event) => event.type === 'evaluation'),
      settings: { ...a.snapshot.settings, 'fineTune.trainableBlocks': 10 },
    });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  after(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
  });

  async function open(theme: ThemeName = 'dark', savedState?: unknown): Promise<WebviewPage> {
    const view = await openWebview(browser, { view: 'dashboard', theme, savedState });
    pages.push(view);
    await waitForPosted(view, 'ready');
    const runs: RunSnapshot[] = [first.snapshot, second.snapshot, running.snapshot];
    await view.post({ type: 'did-load-runs', runs, table: TABLE });
    await view.page.waitForSelector('#app:not([aria-busy]) table.runs-table');
    return view;
  }

  const rowKeys = (view: WebviewPage) =>
    view.page.locator('tr.run-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run')));

  test('a row a run with status, the settings that differ, AUC and gain with intervals, duration', async () => {
    const view = await open();
    const { page } = view;
    assert.match((await page.locator('.runs-table-title').textContent()) ?? '', /demo · experiments\/demo/);
    const headers = await page.locator('table.runs-table thead .sort-button').allTextContents();
    assert.deepEqual(
      headers.map((text) => text.trim()),
      ['Run', 'Status', 'strategy', 'trainableBlocks', 'AUC', 'AUC scratch', 'Gain', 'Duration'],
    );
    const row = page.locator(`tr.run-row[data-run="${first.dir}"]`);
    const auc = first.state.evaluations['fine-tuned']?.intervals?.auc;
    const gain = first.state.comparison?.gain.auc;
    assert.ok(auc && gain);
    assert.equal(await row.locator('td.auc').textContent(), formatEstimate(auc));
    assert.equal(await row.locator('td.gain').textContent(), formatEstimate(gain, true));
    assert.match((await row.locator('td.gain').getAttribute('class')) ?? '', /delta-better/);
    assert.equal(await row.locator('td.duration').textContent(), formatDuration(first.state.seconds));
    assert.equal(await row.locator('td.status').textContent(), 'Completed');
    const live = page.locator(`tr.run-row[data-run="${running.snapshot.key}"]`);
    assert.equal(await live.locator('td.status').textContent(), 'Running');
    assert.equal(await live.locator('td.auc').textContent(), '–');
    assert.equal(await live.locator('td[data-setting="fineTune.trainableBlocks"]').textContent(), '10');
    // The hostile label is text: no image element made from it.
    assert.equal(await page.locator('table.runs-table img').count(), 0);
    assert.equal(await live.locator('.open-run').textContent(), running.snapshot.label);
    assert.equal(await page.locator('.runs-count').textContent(), '3 runs');
    assert.deepEqual(
      (await view.savedState()) as unknown,
      { ...DEFAULT_UI_STATE, table: TABLE },
      'reopened by its file',
    );
    assert.deepEqual(await view.cspViolations(), []);
    assert.deepEqual(view.pageErrors, []);
  });

  test('headers sort (numbers best first, then reversed, then unsorted) and the sort survives a reload', async () => {
    const view = await open();
    const { page } = view;
    const original = await rowKeys(view);
    const aucHeader = page.locator('.sort-button[data-column="auc"]');
    // Each click renders on the next frame: wait for the header to say the new order.
    const sorted = (order: string) =>
      page.locator(`th[aria-sort="${order}"] .sort-button[data-column="auc"]`).waitFor();
    await aucHeader.click();
    await sorted('descending');
    const better =
      (first.state.evaluations['fine-tuned']?.auc ?? 0) > (second.state.evaluations['fine-tuned']?.auc ?? 0);
    const [best, worse] = better ? [first.dir, second.dir] : [second.dir, first.dir];
    assert.deepEqual(await rowKeys(view), [best, worse, running.snapshot.key], 'missing AUC last');
    await aucHeader.click();
    await sorted('ascending');
    assert.deepEqual(await rowKeys(view), [worse, best, running.snapshot.key], 'missing AUC last either way');
    assert.deepEqual(((await view.savedState()) as { tableSort: unknown }).tableSort, {
      column: 'auc',
      descending: false,
    });
    const reopened = await open('dark', await view.savedState());
    assert.deepEqual(await rowKeys(reopened), [worse, best, running.snapshot.key]);
    await aucHeader.click();
    await sorted('none');
    assert.deepEqual(await rowKeys(view), original);
  });

  test('the filter box keeps the rows that match, and names a column it does not know', async () => {
    const view = await open();
    const { page } = view;
    const filter = page.locator('input.runs-filter');
    await filter.fill('status=running');
    await page.locator('tr.run-row').nth(1).waitFor({ state: 'detached' });
    assert.deepEqual(await rowKeys(view), [running.snapshot.key]);
    assert.equal(await page.locator('.runs-count').textContent(), '1 of 3 runs');
    await filter.fill(`auc>${Math.min(first.state.evaluations['fine-tuned']?.auc ?? 0, 0.99)}`);
    await page.locator('tr.run-row').first().waitFor({ state: 'detached' });
    assert.equal(await page.locator('.empty-note').textContent(), 'No run matches the filter.');
    await filter.fill('learningRate>1');
    await page.locator('.filter-note', { hasText: 'learningRate' }).waitFor();
    assert.equal(await page.locator('tr.run-row').count(), 3);
    assert.equal(((await view.savedState()) as { tableFilter: unknown }).tableFilter, 'learningRate>1');
  });

  test('a click on a row opens the run; ticked rows open in Compare', async () => {
    const view = await open();
    const { page } = view;
    await page.locator(`tr.run-row[data-run="${second.dir}"] td.duration`).click();
    const compare = page.locator('vscode-button.compare-runs-button');
    assert.equal(await compare.getAttribute('disabled'), '');
    await page.locator(`tr.run-row[data-run="${first.dir}"] input[type=checkbox]`).check();
    assert.equal(await compare.getAttribute('disabled'), '', 'one run is not a comparison');
    await page.locator(`tr.run-row[data-run="${running.snapshot.key}"] input[type=checkbox]`).check();
    assert.equal(await compare.getAttribute('disabled'), null);
    assert.equal((await compare.textContent())?.trim(), 'Compare 2 Runs');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'runs-table-dark.png'), fullPage: true });
    await compare.click();
    const posted = (await view.posted()).slice(1);
    assert.deepEqual(posted, [
      { type: 'open-dashboard', key: second.dir },
      { type: 'compare-runs', keys: [first.dir, running.snapshot.key] },
    ]);
  });

  test('reads in the light and high-contrast themes', async () => {
    for (const theme of ['light', 'high-contrast'] as const) {
      const view = await open(theme);
      await view.page.screenshot({ path: join(SCREENSHOT_DIR, `runs-table-${theme}.png`), fullPage: true });
      assert.deepEqual(view.pageErrors, []);
    }
  });
});
