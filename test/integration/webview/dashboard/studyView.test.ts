// The Study view in the built dashboard bundle, in headless Chromium, fed a study.json built from
// the core's types (test/support/studyFixture.ts) and the study's run folders as the host sends
// them: the label-efficiency chart (points, intervals, fitted curves, log axis, goal, crossover)
// read back from the canvas's pixels, the points table, and the runs table.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  fittedValue,
  formatLabelCount,
  labelEfficiencyData,
  labelRange,
  valueRange,
} from '../../../../webview/src/dashboard/studyChartData';
import { studyProgressText } from '../../../../webview/src/dashboard/studyProgress';
import { CROSSOVER, CURVES, GOAL, LABEL_COUNTS, studyFixture } from '../../../support/studyFixture';
import type { StudyFixture } from '../../../support/studyFixture';
import { cannotRun, launchChromium, openWebview, SCREENSHOT_DIR, waitForPosted } from '../../../support/webviewPage';
import type { WebviewPage } from '../../../support/webviewPage';
import { THEMES } from '../../../support/webviewThemes';
import type { ThemeName } from '../../../support/webviewThemes';

/** A point on the chart, in labels per class and metric units, and the colours expected near it. */
interface Probe {
  labels: number;
  value: number;
}

// Runs in the page: the colours of the canvas within `radius` CSS pixels of each probe, placed the way
// uPlot places values (the plot area is its .u-over element; x on a log scale, both ranges given).
const COLOURS_NEAR = `(args) => {
  const over = document.querySelector('.study-chart .u-over');
  const canvas = document.querySelector('.study-chart canvas');
  const context = canvas.getContext('2d');
  const scale = canvas.width / canvas.getBoundingClientRect().width;
  const [xMin, xMax] = args.x;
  const [yMin, yMax] = args.y;
  return args.probes.map((probe) => {
    const x = over.offsetLeft + ((Math.log(probe.labels) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * over.offsetWidth;
    const y = over.offsetTop + (1 - (probe.value - yMin) / (yMax - yMin)) * over.offsetHeight;
    const size = Math.max(1, Math.round(args.radius * 2 * scale));
    const data = context.getImageData(Math.round((x - args.radius) * scale), Math.round((y - args.radius) * scale), size, size).data;
    const found = new Set();
    for (let index = 0; index < data.length; index += 4)
      if (data[index + 3] > 60) found.add(data[index] + ',' + data[index + 1] + ',' + data[index + 2]);
    return [...found];
  });
}`;

function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** Whether one of the colours is close to `hex` (antialiasing blends the edges). */
function has(colours: readonly string[], hex: string): boolean {
  const [r, g, b] = rgb(hex);
  return colours.some((colour) => {
    const [cr = 0, cg = 0, cb = 0] = colour.split(',').map(Number);
    return Math.abs(cr - r) + Math.abs(cg - g) + Math.abs(cb - b) < 40;
  });
}

describe('study view webview', { skip: cannotRun('dashboard') }, () => {
  let browser: Browser;
  let fixture: StudyFixture;
  const pages: WebviewPage[] = [];

  before(async () => {
    browser = await launchChromium();
    fixture = studyFixture();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  after(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
  });

  async function open(theme: ThemeName = 'dark'): Promise<WebviewPage> {
    const view = await openWebview(browser, { view: 'dashboard', theme, height: 1400 });
    pages.push(view);
    await waitForPosted(view, 'ready');
    await view.post({ type: 'did-load-runs', runs: fixture.snapshots, table: fixture.table });
    await view.page.waitForSelector('#app:not([aria-busy]) .study-chart canvas');
    return view;
  }

  test('the heading says how far the study is; the chart is described and its legend names every mark', async () => {
    const view = await open();
    const { page } = view;
    assert.equal(await page.locator('.study-name').textContent(), fixture.record.name);
    assert.equal(await page.locator('.study-progress').textContent(), studyProgressText(fixture.record));
    assert.match(studyProgressText(fixture.record), /^10 of 12 runs done · 1 running, 1 failed$/);
    const description = (await page.locator('.study-chart-plot').getAttribute('aria-label')) ?? '';
    assert.match(description, /log scale/);
    assert.match(description, new RegExp(`Goal ${GOAL.toFixed(2)}`));
    assert.match(description, new RegExp(`Crossover at about ${CROSSOVER}`));
    const legend = await page.locator('.study-legend').textContent();
    assert.match(legend ?? '', /Fine-tuned: mean of seeds with 95% interval, fitted curve/);
    assert.match(legend ?? '', /Crossover ≈ 80 labels per class/);
    assert.match((await page.locator('.crossover-note').textContent()) ?? '', /transfer helps up to about 80/);
    assert.match((await page.locator('.to-goal-scratch').textContent()) ?? '', /beyond the data \(> 80\)/);
    assert.match((await page.locator('.saving-factor').textContent()) ?? '', /at least \d+× fewer labels/);
    assert.deepEqual(await view.cspViolations(), []);
    assert.deepEqual(view.pageErrors, []);
  });

  test('the chart draws each mean, its interval and the fitted curve where the numbers put them, on a log axis', async () => {
    const view = await open();
    const { page } = view;
    const analysis = fixture.record.analysis;
    assert.ok(analysis);
    const data = labelEfficiencyData(analysis);
    assert.ok(data);
    const x = labelRange(data);
    const y = valueRange(data);
    const colours = async (probes: Probe[], radius = 2) =>
      page.evaluate(`(${COLOURS_NEAR})(${JSON.stringify({ probes, x, y, radius })})`) as Promise<string[][]>;
    const theme = THEMES.dark.variables;
    const blue = theme['--vscode-charts-blue'] ?? '';
    const orange = theme['--vscode-charts-orange'] ?? '';
    const completed = LABEL_COUNTS.slice(0, 3);
    for (const [model, colour] of [
      ['fine-tuned', blue],
      ['scratch', orange],
    ] as const) {
      const curve = CURVES[model];
      const at = (n: number) => fittedValue(curve, n);
      // The means, on the fitted curve here: the marker's centre is the model's colour.
      const means = await colours(completed.map((n) => ({ labels: n, value: at(n) })));
      means.forEach((found, index) => assert.ok(has(found, colour), `${model} mean at ${completed[index]} labels`));
      // Between the points only the fitted curve is there. The probes place x on a log scale: had the
      // axis been linear, none of these would land on a mark.
      const between = await colours([{ labels: 40, value: at(40) }]);
      assert.ok(has(between[0] ?? [], colour), `${model} fitted curve at 40 labels`);
      // The error bar's end caps, at the interval's bounds (nudged 3 px to the side of the point).
      const point = analysis.points[1]?.models[model]?.auc;
      assert.ok(point);
      const caps = await colours(
        [
          { labels: 20, value: point.low },
          { labels: 20, value: point.high },
        ],
        5,
      );
      caps.forEach((found, index) => assert.ok(has(found, colour), `${model} interval ${index ? 'high' : 'low'} end`));
    }
    // Where nothing is drawn, nothing of either colour: the probes are not blind.
    const empty = await colours([{ labels: 300, value: y[0] + 0.02 }]);
    assert.ok(!has(empty[0] ?? [], blue) && !has(empty[0] ?? [], orange), 'the empty corner is empty');
    // The goal's dashed line across, and the crossover's dotted line down at 80 labels.
    const foreground = theme['--vscode-foreground'] ?? '';
    const goal = await colours(
      [8, 12, 150, 300].map((labels) => ({ labels, value: GOAL })),
      3,
    );
    assert.ok(goal.filter((found) => has(found, foreground)).length >= 2, 'the goal line');
    const crossover = await colours(
      [0.2, 0.4, 0.6].map((share) => ({ labels: CROSSOVER, value: y[0] + (y[1] - y[0]) * share })),
      3,
    );
    assert.ok(crossover.filter((found) => has(found, foreground)).length >= 2, 'the crossover line');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'study-view-dark.png'), fullPage: true });
  });

  test('the points table has each point’s numbers, and the runs table every run with its varied value and seed', async () => {
    const view = await open();
    const { page } = view;
    const analysis = fixture.record.analysis;
    assert.ok(analysis);
    const first = analysis.points[0];
    const auc = first?.models['fine-tuned']?.auc;
    assert.ok(first && auc);
    const row = page.locator('table.points-table tr[data-point="p1"]');
    assert.equal(
      await row.locator('td.fine-tuned').textContent(),
      `${auc.mean.toFixed(3)} [${auc.low.toFixed(3)}, ${auc.high.toFixed(3)}]`,
    );
    assert.equal(await row.locator('td.labels').textContent(), formatLabelCount(first.labelsPerClass ?? 0));
    assert.equal(await row.locator('td.completed').textContent(), '3 of 3');
    const runs = page.locator('table.runs-table tr.run-row');
    assert.equal(await runs.count(), fixture.record.runs.length);
    const headers = await page.locator('table.runs-table thead .sort-button').allTextContents();
    assert.deepEqual(headers.slice(2, 4), ['labelsPerClass', 'seed']);
    const pending = page.locator('tr.run-row.pending');
    assert.equal(await pending.count(), 2, 'the failed run without a folder shown and the one not started');
    assert.deepEqual(await pending.locator('td.status').allTextContents(), ['Failed', 'Pending']);
    assert.deepEqual(await pending.locator('td[data-setting="target.labelsPerClass"]').allTextContents(), [
      'all',
      'all',
    ]);
    // The filter understands the varied key by its last part.
    await page.locator('input.runs-filter').fill('labelsPerClass=all');
    await page.locator('.runs-count', { hasText: '3 of 12 runs' }).waitFor();
    await page.locator('input.runs-filter').fill('');
    // A click on a run that has a folder opens it; one without does nothing.
    const openable = fixture.record.runs[4]?.runDir;
    assert.ok(openable);
    await page.locator(`tr.run-row[data-run="${openable}"] td.duration`).click();
    await pending.first().locator('td.status').click();
    const posted = (await view.posted()).filter((message) => (message as { type: string }).type !== 'ready');
    assert.deepEqual(posted, [{ type: 'open-dashboard', key: openable }]);
  });

  test('reads in the light and high-contrast themes', async () => {
    for (const theme of ['light', 'high-contrast'] as const) {
      const view = await open(theme);
      await view.page.screenshot({ path: join(SCREENSHOT_DIR, `study-view-${theme}.png`), fullPage: true });
      assert.deepEqual(view.pageErrors, []);
    }
  });

  test('a study not run yet, and one with no completed run, say so', async () => {
    const view = await openWebview(browser, { view: 'dashboard' });
    pages.push(view);
    await waitForPosted(view, 'ready');
    await view.post({ type: 'did-load-runs', runs: [], table: { ...fixture.table, record: null } });
    await view.page.locator('.study-view .empty-note', { hasText: 'has not run yet' }).waitFor();
    const record = { ...fixture.record, analysis: null };
    await view.post({ type: 'did-load-runs', runs: [], table: { ...fixture.table, record } });
    await view.page.locator('.study-view .empty-note', { hasText: 'No run of this study has completed yet' }).waitFor();
    assert.equal(await view.page.locator('tr.run-row').count(), record.runs.length);
    assert.deepEqual(view.pageErrors, []);
  });
});
