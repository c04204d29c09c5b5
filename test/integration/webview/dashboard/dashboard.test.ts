// The built dashboard bundle in headless Chromium, under the extension's CSP, fed the fixture
// runs the way the host feeds it. Every expected number is read from the fixture.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { transferGain } from '../../../../src/shared/run/runState';
import type { RunSnapshot } from '../../../../src/shared/webview/protocol';
import { formatDifference } from '../../../../webview/src/common/viewFormat';
import { eventsBefore, fixtureRunDirs, loadFixtureRun, renameClass } from '../../../support/fixtureRuns';
import type { FixtureRun } from '../../../support/fixtureRuns';
import { THEMES } from '../../../support/webviewThemes';
import { cannotRun, launchChromium, openWebview, SCREENSHOT_DIR, waitForPosted } from '../../../support/webviewPage';
import type { OpenOptions, WebviewPage } from '../../../support/webviewPage';
import { errorKindAdvice } from '../../../../src/shared/run/errorKind';

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

describe('dashboard webview', { skip: cannotRun('dashboard') }, () => {
  let browser: Browser;
  let demo: FixtureRun;
  let runs: FixtureRun[];
  const pages: WebviewPage[] = [];

  before(async () => {
    browser = await launchChromium();
    runs = fixtureRunDirs().map((dir) => loadFixtureRun(dir));
    const first = runs[0];
    assert.ok(first, 'no fixture run under test/fixtures/runs');
    demo = first;
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

  async function assertClean(view: WebviewPage): Promise<void> {
    assert.deepEqual(await view.cspViolations(), [], 'CSP violations');
    assert.deepEqual(view.pageErrors, [], 'page errors');
  }

  test('posts ready first, shows the run and its transfer gain, with no CSP violation', async () => {
    const view = await open([demo.snapshot]);
    const posted = await view.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
    const { page } = view;
    assert.equal(await page.locator('.experiment-name').textContent(), demo.state.experimentName);
    assert.equal(await page.locator('.run-id').textContent(), demo.state.runId);
    assert.match((await page.locator('.status-badge').textContent()) ?? '', new RegExp(demo.state.status, 'i'));
    assert.equal(await page.locator('.stop-button').count(), 0, 'no Stop for a finished run');
    const gain = transferGain(demo.state);
    assert.ok(gain, 'the fixture evaluates both models');
    const cards = page.locator('.gain-card .gain-value');
    assert.equal(await cards.count(), 3);
    assert.match(
      (await cards.nth(0).textContent()) ?? '',
      new RegExp(formatDifference(gain.auc, 2).replace('+', '\\+')),
    );
    assert.match(
      (await page.locator('.gain-card').nth(0).getAttribute('class')) ?? '',
      gain.auc !== null && gain.auc > 0.005 ? /gain-positive/ : /gain-/,
    );
    // Data sizes per class, for the target.
    const target = demo.state.target;
    assert.ok(target);
    const targetTable = page.locator('.data-table').first();
    for (const name of target.classes)
      assert.equal(await targetTable.locator('thead th', { hasText: name }).count(), 1);
    // The toolkit's components style themselves with constructable stylesheets, which the CSP allows.
    const styled = await page
      .locator('vscode-button')
      .first()
      .evaluate((element) => {
        const host = element as unknown as {
          shadowRoot: { adoptedStyleSheets: unknown[]; querySelector(selector: string): unknown } | null;
        };
        return Boolean(
          host.shadowRoot && host.shadowRoot.adoptedStyleSheets.length > 0 && host.shadowRoot.querySelector('button'),
        );
      });
    assert.ok(styled, 'vscode-button rendered and styled');
    await assertClean(view);
  });

  test('confusion matrices of both models: class names, counts, split, normalised and per-epoch views', async () => {
    const view = await open([demo.snapshot]);
    const { page } = view;
    await page.locator('vscode-panel-tab#tab-confusion').click();
    const classes = demo.state.target?.classes ?? [];
    for (const [model, label] of [
      ['fine-tuned', 'Fine-tuned'],
      ['scratch', 'Scratch'],
    ] as const) {
      const metrics = demo.state.evaluations[model];
      assert.ok(metrics, `fixture has a ${model} evaluation`);
      const table = page.locator(`table.confusion[data-model="${label}"]`);
      await table.waitFor();
      assert.deepEqual(await table.locator('thead th.class-name').allTextContents(), classes);
      const rowNames = (await table.locator('tbody th.class-name').allTextContents()).map((text) =>
        text.replace(/^Actual /, ''),
      );
      assert.deepEqual(rowNames, classes);
      const counts = await table
        .locator('td.cell')
        .evaluateAll((cells) =>
          cells.map((cell) =>
            Number((cell as unknown as { getAttribute(name: string): string | null }).getAttribute('data-count')),
          ),
        );
      assert.deepEqual(counts, metrics.confusion.flat());
      assert.equal(sum(counts), metrics.count);
      if (demo.state.evaluationSplit === 'test') assert.equal(sum(counts), sum(demo.state.target?.sizes.test ?? []));
      const caption = (await page.locator(`.matrix.model-${model} .matrix-source`).textContent()) ?? '';
      assert.match(caption, new RegExp(`${demo.state.evaluationSplit} split`));
    }

    await page.locator('vscode-checkbox', { hasText: 'Row-normalised' }).click();
    await page
      .locator('table.confusion[data-model="Fine-tuned"] .cell-main')
      .filter({ hasText: '%' })
      .first()
      .waitFor();
    const shares = await page
      .locator('table.confusion[data-model="Fine-tuned"] tbody tr')
      .first()
      .locator('td.cell .cell-main')
      .allTextContents();
    assert.ok(shares.every((text) => text.endsWith('%')));
    assert.ok(
      Math.abs(sum(shares.map((text) => Number.parseFloat(text))) - 100) <= shares.length,
      `row shares ${shares.join(' ')} add up to 100%`,
    );
    assert.equal(((await view.savedState()) as { normalized?: unknown }).normalized, true);

    await page.locator('vscode-radio', { hasText: 'Validation, by epoch' }).click();
    const slider = page.locator('.slider-row input[type=range]');
    await slider.waitFor();
    await slider.focus();
    await page.keyboard.press('Home');
    await page
      .locator('.matrix.model-fine-tuned .matrix-source')
      .filter({ hasText: /after epoch 1\b/ })
      .waitFor();
    const caption = (await page.locator('.matrix.model-fine-tuned .matrix-source').textContent()) ?? '';
    assert.match(caption, /validation split · after epoch 1\b/);
    const valCounts = await page
      .locator('table.confusion[data-model="Fine-tuned"] td.cell')
      .evaluateAll((cells) =>
        cells.map((cell) =>
          Number((cell as unknown as { getAttribute(name: string): string | null }).getAttribute('data-count')),
        ),
      );
    const firstEpoch = demo.state.epochs.find((record) => record.phase === 'head' || record.phase === 'finetune');
    assert.deepEqual(valCounts, firstEpoch?.valConfusion?.flat());
    assert.equal(sum(valCounts), sum(demo.state.target?.sizes.val ?? []));
    assert.equal(((await view.savedState()) as { epoch?: unknown }).epoch, 1);
    await assertClean(view);
  });

  test('per-class table shows both models’ metrics as in the fixture, nulls as "–"', async () => {
    const fineTuned = demo.state.evaluations['fine-tuned'];
    const scratch = demo.state.evaluations.scratch;
    assert.ok(fineTuned && scratch);
    // One value missing, as a class that is never predicted has no precision.
    const withNull = {
      ...demo.snapshot,
      events: demo.events.map((event) =>
        event.type === 'evaluation' && event.model === 'scratch'
          ? {
              ...event,
              metrics: {
                ...event.metrics,
                perClass: event.metrics.perClass.map((metrics, index) =>
                  index === 0 ? { ...metrics, precision: null } : metrics,
                ),
              },
            }
          : event,
      ),
    };
    const view = await open([withNull]);
    const { page } = view;
    for (const [model, metrics] of [
      ['fine-tuned', fineTuned],
      ['scratch', scratch],
    ] as const) {
      for (const [index, perClass] of metrics.perClass.entries()) {
        const row = page.locator('.per-class-table tbody tr').nth(index);
        assert.equal(await row.locator('th').textContent(), perClass.className);
        for (const key of ['sensitivity', 'specificity', 'precision', 'npv', 'f1', 'auc'] as const) {
          const text = (await row.locator(`td[data-metric="${key}"][data-model="${model}"]`).textContent()) ?? '';
          const expected = model === 'scratch' && index === 0 && key === 'precision' ? null : perClass[key];
          if (expected === null) assert.equal(text, '–', `${model} ${perClass.className} ${key}`);
          else
            assert.ok(
              Math.abs(Number(text) - expected) < 0.0005 + 1e-9,
              `${model} ${perClass.className} ${key}: ${text} vs ${expected}`,
            );
        }
      }
    }
    await assertClean(view);
  });

  test('curves are drawn with uPlot and follow the panel width', async () => {
    const view = await open([demo.snapshot]);
    const { page } = view;
    const canvases = page.locator('#view-curves .chart-plot canvas');
    await canvases.first().waitFor();
    assert.ok((await canvases.count()) >= 3, 'loss, accuracy and AUC charts');
    const box = await canvases.first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `canvas ${JSON.stringify(box)}`);
    const legend = await page.locator('#view-curves .legend-item .legend-label').allTextContents();
    assert.ok(
      legend.some((label) => /fine-tuned/i.test(label)) && legend.some((label) => /scratch/i.test(label)),
      legend.join(', '),
    );
    // Legend entries are buttons that toggle their line, from the keyboard too.
    const item = page.locator('#view-curves .legend-item').first();
    await item.focus();
    await page.keyboard.press('Enter');
    assert.equal(await item.getAttribute('aria-pressed'), 'false');
    // Drag across a chart zooms into its x range; the Reset zoom button (or a double-click) undoes it.
    const chart = page.locator('#view-curves .chart').first();
    const over = chart.locator('.u-over');
    const area = await over.boundingBox();
    assert.ok(area);
    await page.mouse.move(area.x + area.width * 0.5, area.y + 30);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width * 0.95, area.y + 50, { steps: 4 });
    await page.mouse.up();
    assert.equal(await chart.getAttribute('data-zoomed'), 'true');
    await chart.locator('.chart-reset').click();
    assert.equal(await chart.getAttribute('data-zoomed'), 'false');
    await page.mouse.move(area.x + area.width * 0.2, area.y + 30);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width * 0.6, area.y + 50, { steps: 4 });
    await page.mouse.up();
    assert.equal(await chart.getAttribute('data-zoomed'), 'true');
    await page.mouse.dblclick(area.x + area.width * 0.5, area.y + 30);
    assert.equal(await chart.getAttribute('data-zoomed'), 'false');

    // Narrower panel: one chart per row, each canvas as wide as its container again.
    await page.setViewportSize({ width: 460, height: 900 });
    await page.waitForFunction((before) => {
      type Box = { getBoundingClientRect(): { width: number } };
      const query = (
        globalThis as unknown as { document: { querySelector(selector: string): Box | null } }
      ).document.querySelector.bind((globalThis as unknown as { document: object }).document);
      const plot = query('#view-curves .chart-plot');
      const canvas = query('#view-curves .chart-plot canvas');
      if (!plot || !canvas) return false;
      const width = canvas.getBoundingClientRect().width;
      return width !== before && Math.abs(width - plot.getBoundingClientRect().width) <= 1;
    }, box.width);
    const narrow = await canvases.first().boundingBox();
    assert.ok(narrow && narrow.width <= 460, `canvas ${JSON.stringify(narrow)} fits the 460px panel`);
    await assertClean(view);
  });

  test('a theme change at run time recolours the charts', async () => {
    const view = await open([demo.snapshot], { theme: 'dark' });
    const swatch = view.page.locator('#view-curves .legend-swatch').first();
    await swatch.waitFor();
    const colorOf = () =>
      swatch.evaluate((element) =>
        (element as unknown as { style: { getPropertyValue(name: string): string } }).style.getPropertyValue(
          '--swatch-color',
        ),
      );
    const dark = await colorOf();
    const light = THEMES.light;
    // As VS Code does it: new variables on <html> and a new body class.
    await view.page.evaluate(
      ({ variables, bodyClass }) => {
        const document = (
          globalThis as unknown as {
            document: {
              documentElement: { style: { setProperty(name: string, value: string): void } };
              body: { className: string };
            };
          }
        ).document;
        for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
        document.body.className = bodyClass;
      },
      { variables: light.variables, bodyClass: light.bodyClass },
    );
    await view.page.waitForFunction((before) => {
      const element = (
        globalThis as unknown as {
          document: { querySelector(selector: string): { style: { getPropertyValue(name: string): string } } | null };
        }
      ).document.querySelector('#view-curves .legend-swatch');
      return element !== null && element.style.getPropertyValue('--swatch-color') !== before;
    }, dark);
    assert.notEqual(await colorOf(), dark);
    await assertClean(view);
  });

  test('invalid messages are ignored with a warning', async () => {
    const view = await open([demo.snapshot]);
    const warningsBefore = view.consoleWarnings.length;
    await view.post({ type: 'did-load-runs', runs: [{ key: 1 }] });
    await view.post({ type: 'did-blow-up' });
    await view.post('did-load-runs');
    await view.post({ type: 'did-append-events', key: demo.snapshot.key, events: [{ type: 'epoch-ended', seq: 'x' }] });
    await view.page.waitForTimeout(100);
    assert.equal(view.consoleWarnings.length - warningsBefore, 4, view.consoleWarnings.join('\n'));
    assert.equal(await view.page.locator('.experiment-name').textContent(), demo.state.experimentName);
    assert.ok((await view.page.locator('table.confusion').count()) >= 2);
    await assertClean(view);
  });

  test('class names are shown as text, never as markup', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const original = demo.state.target?.classes.at(-1);
    assert.ok(original);
    let dialogs = 0;
    const view = await open([
      { ...demo.snapshot, label: hostile, events: renameClass(demo.events, original, hostile) },
    ]);
    view.page.on('dialog', (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    await view.page.locator('vscode-panel-tab#tab-confusion').click();
    assert.equal(await view.page.locator('img').count(), 0);
    assert.ok((await view.page.locator('table.confusion thead th.class-name').allTextContents()).includes(hostile));
    assert.ok((await view.page.locator('.per-class-table tbody th').allTextContents()).includes(hostile));
    assert.equal(dialogs, 0);
    await assertClean(view);
  });

  test('compare mode: overlaid curves, results and the settings that differ', async () => {
    assert.ok(runs.length >= 2, 'two fixture runs to compare');
    const snapshots = runs.map((run) => run.snapshot);
    const view = await open(snapshots, { theme: 'light' });
    const { page } = view;
    await page.locator('#view-compare .chart-plot canvas').waitFor();
    assert.equal(await page.locator('vscode-panels').getAttribute('activeid'), 'tab-compare');
    assert.equal(await page.locator('.results-table tbody tr').count(), snapshots.length);
    const legend = await page.locator('#view-compare .legend-item .legend-label').allTextContents();
    assert.deepEqual(
      legend,
      snapshots.map((snapshot) => snapshot.label),
    );
    // Independently: the keys whose values are not the same in every run.
    const keys = [...new Set(snapshots.flatMap((snapshot) => Object.keys(snapshot.settings)))];
    const differing = keys.filter(
      (key) => new Set(snapshots.map((snapshot) => JSON.stringify(snapshot.settings[key] ?? null))).size > 1,
    );
    assert.ok(differing.length > 0, 'the fixture runs differ in some setting');
    const rows = await page
      .locator('.settings-table tbody tr')
      .evaluateAll((elements) =>
        elements.map((row) =>
          (row as unknown as { getAttribute(name: string): string | null }).getAttribute('data-setting'),
        ),
      );
    assert.deepEqual([...rows].sort(), [...differing].sort());
    // The run picker switches the run the other tabs show.
    const second = snapshots[1];
    assert.ok(second);
    await page.locator('.run-selector vscode-dropdown').click();
    await page.locator('.run-selector vscode-option', { hasText: second.label }).click();
    await page.waitForFunction(
      (runId) =>
        (
          globalThis as unknown as {
            document: { querySelector(selector: string): { textContent: string | null } | null };
          }
        ).document.querySelector('.run-id')?.textContent === runId,
      runs[1]?.state.runId ?? '',
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-compare.png'), fullPage: true });
    await assertClean(view);
  });

  test('Stop posts stop-run for a controllable running run; appended events finish it', async () => {
    const running = eventsBefore(demo.events, (event) => event.type === 'phase-started' && event.phase === 'scratch');
    const rest = demo.events.slice(running.length);
    const view = await open([{ ...demo.snapshot, events: running, controllable: false }]);
    const { page } = view;
    assert.match((await page.locator('.status-badge').textContent()) ?? '', /running/i);
    assert.equal(await page.locator('.stop-button').count(), 0, 'a run of another window cannot be stopped from here');
    await view.post({ type: 'did-change-controllable', key: demo.snapshot.key, controllable: true });
    await page.locator('.stop-button').waitFor();
    assert.ok(((await page.locator('.progress-text').textContent()) ?? '').length > 0);
    await page.locator('.stop-button').click();
    assert.deepEqual((await view.posted()).at(-1), { type: 'stop-run', key: demo.snapshot.key });
    assert.equal(await page.locator('.stop-button').getAttribute('disabled'), '');
    await page.locator('vscode-button', { hasText: 'Open run folder' }).click();
    assert.deepEqual((await view.posted()).at(-1), { type: 'reveal-run-folder', key: demo.snapshot.key });
    for (let start = 0; start < rest.length; start += 20) {
      await view.post({ type: 'did-append-events', key: demo.snapshot.key, events: rest.slice(start, start + 20) });
    }
    await page.waitForFunction(() =>
      /completed/i.test(
        (
          globalThis as unknown as {
            document: { querySelector(selector: string): { textContent: string | null } | null };
          }
        ).document.querySelector('.status-badge')?.textContent ?? '',
      ),
    );
    assert.equal(await page.locator('.stop-button').count(), 0);
    assert.equal(await page.locator('table.confusion').count(), 2);
    await assertClean(view);
  });

  test('a failed run shows its kind of failure and what to do; one recorded before errorKind, its message alone', async () => {
    const before = eventsBefore(demo.events, (event) => event.type === 'phase-started' && event.phase === 'scratch');
    const last = before.at(-1);
    assert.ok(last);
    const error =
      'out of memory in the scratch phase with batchSize 1024 and images of 128×128×1: lower `training.batchSize`';
    const ended = {
      type: 'run-ended' as const,
      seq: last.seq + 1,
      time: last.time,
      status: 'failed' as const,
      error,
      seconds: 30,
    };
    const failed = await open([
      { ...demo.snapshot, events: [...before, { ...ended, errorKind: 'out-of-memory' as const }] },
    ]);
    const { page } = failed;
    assert.equal(await page.locator('.status-badge').textContent(), 'Failed · out of memory');
    assert.equal(await page.locator('.run-error').textContent(), error);
    assert.equal(await page.locator('.run-error-advice').textContent(), errorKindAdvice('out-of-memory'));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-failed.png'), fullPage: true });
    await assertClean(failed);

    // As a trainer wrote it before errorKind existed: no such key at all.
    const older = await openWebview(browser, { view: 'dashboard' });
    pages.push(older);
    await waitForPosted(older, 'ready');
    await older.post({ type: 'did-load-runs', runs: [{ ...demo.snapshot, events: [...before, ended] }] });
    await older.page.waitForSelector('#app:not([aria-busy]) .run-title');
    assert.equal(await older.page.locator('.status-badge').textContent(), 'Failed');
    assert.equal(await older.page.locator('.run-error').textContent(), error);
    assert.equal(await older.page.locator('.run-error-advice').count(), 0);
    await assertClean(older);

    // No run-ended and its trainer is gone: interrupted, with what Resume does.
    const gone = await open([{ ...demo.snapshot, events: before, trainerGone: true }]);
    assert.equal(await gone.page.locator('.status-badge').textContent(), 'Interrupted');
    assert.equal(await gone.page.locator('.run-error-advice').textContent(), errorKindAdvice('interrupted'));
    await assertClean(gone);
  });

  test('UI state is saved with setState and restored on reload', async () => {
    const view = await open([demo.snapshot]);
    await view.page.locator('vscode-panel-tab#tab-per-class').click();
    const saved = await view.savedState();
    assert.equal((saved as { tab?: unknown }).tab, 'per-class');
    assert.deepEqual(
      (saved as { keys?: unknown }).keys,
      [demo.snapshot.key],
      'the runs shown, for the serializer after a reload',
    );
    const restored = await open([demo.snapshot], {
      savedState: { ...(saved as object), normalized: true, tab: 'confusion' },
    });
    assert.equal(await restored.page.locator('vscode-panels').getAttribute('activeid'), 'tab-confusion');
    assert.equal(
      await restored.page.locator('vscode-checkbox', { hasText: 'Row-normalised' }).getAttribute('aria-checked'),
      'true',
    );
    await assertClean(restored);
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    test(`renders in the ${theme} theme (screenshot)`, async () => {
      const view = await open([demo.snapshot], { theme, width: 1100, height: 1000 });
      await view.page.locator('#view-curves .chart-plot canvas').first().waitFor();
      await view.page.waitForTimeout(150);
      await view.page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-${theme}.png`), fullPage: true });
      await view.page.locator('vscode-panel-tab#tab-confusion').click();
      await view.page.waitForTimeout(400); // the tab indicator slides
      await view.page.screenshot({ path: join(SCREENSHOT_DIR, `dashboard-${theme}-confusion.png`), fullPage: true });
      if (theme === 'dark') {
        await view.page.setViewportSize({ width: 420, height: 900 });
        await view.page.waitForTimeout(150);
        await view.page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-narrow.png'), fullPage: true });
        const overflow = await view.page.evaluate(() => {
          const root = (
            globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
          ).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 420px`);
      }
      await assertClean(view);
    });
  }
});
