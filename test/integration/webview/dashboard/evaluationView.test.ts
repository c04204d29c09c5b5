// The Evaluation tab, the CI-carrying gain cards and per-class table in headless Chromium, fed
// fixture runs recorded from the real trainer (test/fixtures/record-fixture-runs.ts). Every
// expected number is read from the fixture.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunSnapshot } from '../../../../src/shared/webview/protocol';
import { formatInterval, formatP, formatSignedInterval } from '../../../../webview/src/dashboard/evaluationData';
import { fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';
import type { FixtureRun } from '../../../support/fixtureRuns';
import { cannotRun, launchChromium, openWebview, SCREENSHOT_DIR, waitForPosted } from '../../../support/webviewPage';
import type { OpenOptions, WebviewPage } from '../../../support/webviewPage';
import { fixturesDir } from '../../../support/paths';

const MULTICLASS_RUN = join(fixturesDir, 'multiclass-runs', 'shapes', '20261124-120000');

describe('dashboard evaluation views', { skip: cannotRun('dashboard') }, () => {
  let browser: Browser;
  let demo: FixtureRun;
  let shapes: FixtureRun;
  const pages: WebviewPage[] = [];

  before(async () => {
    browser = await launchChromium();
    const [dir] = fixtureRunDirs();
    assert.ok(dir, 'no fixture run under test/fixtures/runs');
    demo = loadFixtureRun(dir);
    shapes = loadFixtureRun(MULTICLASS_RUN);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  after(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
  });

  async function open(snapshots: RunSnapshot[], options: Partial<OpenOptions> = {}): Promise<WebviewPage> {
    const view = await openWebview(browser, { view: 'dashboard', ...options });
    pages.push(view);
    await waitForPosted(view, 'ready');
    await view.post({ type: 'did-load-runs', runs: snapshots });
    await view.page.waitForSelector('#app:not([aria-busy]) .run-title');
    return view;
  }

  test('fine-tuned vs scratch with CIs, the gain, DeLong’s p and the curves of a binary run', async () => {
    const fineTuned = demo.state.evaluations['fine-tuned'];
    const scratch = demo.state.evaluations.scratch;
    const comparison = demo.state.comparison;
    assert.ok(
      fineTuned?.intervals && scratch?.intervals && comparison?.delong,
      'the fixture has intervals and a comparison: re-record it',
    );
    const view = await open([demo.snapshot], { width: 1100, height: 1000 });
    const { page } = view;

    // Gain cards: the AUC card carries its CI and DeLong's p.
    const aucCard = page.locator('.gain-card').nth(0);
    const aucGain = comparison.gain.auc;
    assert.ok(aucGain);
    assert.match(
      (await aucCard.locator('.gain-interval').textContent()) ?? '',
      new RegExp(`DeLong p ${formatP(comparison.delong.pValue).replace(/[<.]/g, '\\$&')}`),
    );
    assert.match((await aucCard.locator('.gain-interval').textContent()) ?? '', /^95% CI /);

    await page.locator('vscode-panel-tab#tab-evaluation').click();
    const table = page.locator('#view-evaluation .comparison-table');
    const aucRow = table.locator('tbody tr').first();
    assert.equal(
      await aucRow.locator('td[data-model="fine-tuned"]').textContent(),
      formatInterval(fineTuned.intervals.auc),
    );
    assert.equal(await aucRow.locator('td[data-model="scratch"]').textContent(), formatInterval(scratch.intervals.auc));
    assert.equal(await aucRow.locator('td[data-model="gain"]').textContent(), formatSignedInterval(aucGain));
    const sensitivityRow = table.locator('tbody tr').nth(1);
    assert.equal(
      await sensitivityRow.locator('td[data-model="fine-tuned"]').textContent(),
      formatInterval(fineTuned.intervals.sensitivity),
    );
    assert.equal(
      await page.locator('#view-evaluation .delong .p-value').textContent(),
      `p ${formatP(comparison.delong.pValue)}`,
    );

    // ROC: one curve per model with every stored point, and each model's operating point.
    const curves = page.locator('#view-evaluation .roc-plot path.curve');
    assert.equal(await curves.count(), 2);
    assert.equal(Number(await curves.nth(0).getAttribute('data-points')), fineTuned.roc?.[0]?.points.length);
    assert.equal(Number(await curves.nth(1).getAttribute('data-points')), scratch.roc?.[0]?.points.length);
    assert.equal(await page.locator('#view-evaluation .roc-plot circle.marker').count(), 2);
    assert.match(
      (await page.locator('#view-evaluation .roc-plot .unit-plot-legend').textContent()) ?? '',
      new RegExp(`AUC ${fineTuned.roc?.[0]?.auc?.toFixed(3)}`),
    );
    assert.equal(await page.locator('#view-evaluation .pr-plot path.curve').count(), 2);
    // Reliability: a bar per non-empty bin and model; ECE in the legend.
    const nonEmpty =
      (fineTuned.calibration?.bins ?? []).filter((bin) => bin.count > 0).length +
      (scratch.calibration?.bins ?? []).filter((bin) => bin.count > 0).length;
    assert.equal(await page.locator('#view-evaluation .reliability-plot rect.bar').count(), nonEmpty);
    assert.match(
      (await page.locator('#view-evaluation .reliability-plot .unit-plot-legend').textContent()) ?? '',
      new RegExp(`ECE ${fineTuned.calibration?.ece?.toFixed(3)}`),
    );
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-evaluation.png'), fullPage: true });

    // Per-class table: each AUC cell carries its interval.
    await page.locator('vscode-panel-tab#tab-per-class').click();
    const auc = fineTuned.intervals.perClass?.[1]?.auc;
    assert.ok(auc);
    const cell = page.locator(
      `.per-class-table tr[data-class="${fineTuned.perClass[1]?.className}"] td[data-metric="auc"][data-model="fine-tuned"]`,
    );
    assert.equal(await cell.getAttribute('data-ci'), `${auc.low.toFixed(3)}–${auc.high.toFixed(3)}`);
    assert.equal(await cell.getAttribute('title'), `95% CI ${auc.low.toFixed(3)}–${auc.high.toFixed(3)}`);
    assert.deepEqual(view.pageErrors, []);
  });

  test('a 4-class run: one-vs-rest curves per class, picked from a dropdown', async () => {
    const fineTuned = shapes.state.evaluations['fine-tuned'];
    assert.ok(fineTuned?.roc && fineTuned.roc.length === 4, 'the multi-class fixture has 4 one-vs-rest curves');
    assert.equal(shapes.state.comparison?.delong, null, 'no DeLong for more than two classes');
    const view = await open([shapes.snapshot], { width: 1100, height: 1000, theme: 'dark' });
    const { page } = view;
    await page.locator('vscode-panel-tab#tab-evaluation').click();
    const legend = page.locator('#view-evaluation .roc-plot .unit-plot-legend');
    assert.match((await legend.textContent()) ?? '', new RegExp(`AUC ${fineTuned.roc[0]?.auc?.toFixed(3)}`));
    const third = fineTuned.roc[2];
    assert.ok(third);
    await page.locator('#view-evaluation vscode-dropdown').click();
    await page.locator('#view-evaluation vscode-option', { hasText: third.className }).click();
    await page.waitForFunction(
      (text) =>
        (
          globalThis as unknown as {
            document: { querySelector(selector: string): { textContent: string | null } | null };
          }
        ).document
          .querySelector('#view-evaluation .roc-plot .unit-plot-legend')
          ?.textContent?.includes(text) ?? false,
      `AUC ${third.auc?.toFixed(3)}`,
    );
    assert.equal(
      await page.locator('#view-evaluation .delong').textContent(),
      'DeLong’s test applies to binary tasks.',
    );
    assert.match(
      (await page.locator('#view-evaluation .comparison-table tbody tr').first().locator('th').textContent()) ?? '',
      /AUC \(macro\)/,
    );
    const saved = (await view.savedState()) as { evaluationClass?: number };
    assert.equal(saved.evaluationClass, third.classIndex);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-evaluation-multiclass-dark.png'), fullPage: true });
    assert.deepEqual(view.pageErrors, []);
  });
});
