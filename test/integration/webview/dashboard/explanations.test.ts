// The dashboard's Explanations tab in headless Chromium, under the extension's CSP: the recorded
// demo run's saliency.json drawn on canvases (fine-tuned and scratch beside the image), the
// outcome filter, the opacity slider, the Export Report button, and hostile class names as text.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { blendOverlay, decodeBase64 } from '../../../../src/shared/explain/overlay';
import { isCorrect, saliencyFileSchema } from '../../../../src/shared/run/saliency';
import type { SaliencyExample, SaliencyFile } from '../../../../src/shared/run/saliency';
import { formatThreshold } from '../../../../src/shared/run/modelDecision';
import { fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';
import type { FixtureRun } from '../../../support/fixtureRuns';
import { cannotRun, launchChromium, openWebview, SCREENSHOT_DIR, waitForPosted } from '../../../support/webviewPage';
import type { WebviewPage } from '../../../support/webviewPage';

/** The page's document, as far as these tests use it (the test program has no DOM types). */
interface PageDocument {
  document: {
    querySelectorAll(selector: string): { length: number };
    body: { dataset: Record<string, string | undefined> };
  };
}

describe('dashboard Explanations tab', { skip: cannotRun('dashboard') }, () => {
  let browser: Browser;
  let demo: FixtureRun;
  let saliency: SaliencyFile;
  const pages: WebviewPage[] = [];

  before(async () => {
    browser = await launchChromium();
    const dir = fixtureRunDirs()[0];
    assert.ok(dir);
    demo = loadFixtureRun(dir);
    saliency = saliencyFileSchema.parse(JSON.parse(readFileSync(join(dir, 'saliency.json'), 'utf8')));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  after(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
  });

  async function open(file: SaliencyFile, theme: 'dark' | 'light' = 'dark'): Promise<WebviewPage> {
    const view = await openWebview(browser, { view: 'dashboard', theme, savedState: { tab: 'explanations' } });
    pages.push(view);
    await waitForPosted(view, 'ready');
    await view.post({ type: 'did-load-runs', runs: [demo.snapshot] });
    await view.post({ type: 'did-load-saliency', key: demo.snapshot.key, saliency: file });
    await view.page.waitForSelector('#view-explanations .saliency-figure');
    return view;
  }

  test('draws every example: the image, then fine-tuned and scratch with prediction, confidence and outcome', async () => {
    const view = await open(saliency);
    const { page } = view;
    const figures = page.locator('#view-explanations .saliency-figure');
    assert.equal(await figures.count(), saliency.examples.length);
    const first = saliency.examples[0];
    assert.ok(first);
    const panels = figures.first().locator('.saliency-panel');
    assert.equal(await panels.count(), 1 + first.explanations.length);
    for (const [index, entry] of first.explanations.entries()) {
      const panel = panels.nth(index + 1);
      assert.equal(await panel.getAttribute('data-model'), entry.model);
      // Recorded before answers carried their operating point: the argmax, and said so.
      assert.equal(
        await panel.locator('.saliency-prediction').textContent(),
        `${saliency.classes[entry.predicted]} at the argmax`,
      );
      assert.equal(
        await panel.locator('.saliency-confidence').textContent(),
        `confidence ${(entry.confidence * 100).toFixed(1)}%`,
      );
      assert.equal(await panel.getAttribute('data-outcome'), isCorrect(first, entry) ? 'correct' : 'wrong');
    }
    assert.match(
      (await figures.first().locator('figcaption').textContent()) ?? '',
      new RegExp(`test image #${first.index}`),
    );
    // The fine-tuned canvas holds blendOverlay's pixels at the default opacity (0.6).
    const entry = first.explanations[0];
    assert.ok(entry);
    const expected = blendOverlay({
      width: first.width,
      height: first.height,
      channels: first.channels,
      image: decodeBase64(first.image),
      heatmap: decodeBase64(entry.heatmap),
      opacity: 0.6,
    });
    const drawn = await panels
      .nth(1)
      .locator('canvas')
      .evaluate((canvas) => {
        const element = canvas as unknown as {
          width: number;
          height: number;
          getContext(kind: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
          };
        };
        return Array.from(element.getContext('2d').getImageData(0, 0, element.width, element.height).data);
      });
    assert.equal(drawn.length, expected.length);
    assert.ok(
      drawn.every((value, i) => Math.abs(value - (expected[i] ?? 0)) <= 1),
      'canvas pixels are the blended overlay',
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-explanations-dark.png'), fullPage: true });
    assert.deepEqual(await view.cspViolations(), []);
    assert.deepEqual(view.pageErrors, []);
  });

  test('filters by outcome, changes the opacity, and asks the host to export the report', async () => {
    const view = await open(saliency, 'light');
    const { page } = view;
    const wrong = saliency.examples.filter((example) =>
      example.explanations.some((entry) => entry.model === 'fine-tuned' && !isCorrect(example, entry)),
    ).length;
    await page.locator('#view-explanations vscode-dropdown').evaluate((dropdown) => {
      (dropdown as unknown as { value: string }).value = 'fine-tuned-wrong';
      dropdown.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(
      (count) =>
        (globalThis as unknown as PageDocument).document.querySelectorAll('#view-explanations .saliency-figure')
          .length === count,
      wrong,
    );
    assert.equal(
      await page.locator('.saliency-count').textContent(),
      `${wrong} of ${saliency.examples.length} examples`,
    );
    // Per figure: [image canvas, fine-tuned canvas] as data URLs.
    const canvases = () =>
      page
        .locator('#view-explanations .saliency-figure')
        .evaluateAll((figures) =>
          figures.map((figure) =>
            ['.saliency-panel:first-child canvas', '.saliency-panel[data-model="fine-tuned"] canvas'].map((selector) =>
              (figure.querySelector(selector) as unknown as { toDataURL(): string }).toDataURL(),
            ),
          ),
        );
    const before = await canvases();
    assert.ok(
      before.some(([image, overlay]) => image !== overlay),
      'some overlay shows a heatmap',
    );
    await page.locator('.opacity-slider').fill('0');
    const after = await canvases();
    assert.ok(
      after.every(([image, overlay]) => image === overlay),
      'opacity 0 shows the image alone',
    );
    await page.locator('#view-explanations vscode-button', { hasText: 'Export Report' }).click();
    await waitForPosted(view, 'export-report');
    assert.deepEqual((await view.posted()).at(-1), { type: 'export-report', key: demo.snapshot.key });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-explanations-light.png'), fullPage: true });
  });

  test('shows hostile class names as text', async () => {
    const hostile = '<img src=x onerror="document.body.dataset.pwned=1">';
    const view = await open({
      ...saliency,
      classes: saliency.classes.map((name, index) => (index === 1 ? hostile : name)),
    });
    const { page } = view;
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as PageDocument).document.body.dataset.pwned),
      undefined,
    );
    assert.ok((await page.locator('#view-explanations').textContent())?.includes(hostile));
    assert.deepEqual(view.pageErrors, []);
  });

  test('says when a run has no saliency maps', async () => {
    const view = await openWebview(browser, { view: 'dashboard', savedState: { tab: 'explanations' } });
    pages.push(view);
    await waitForPosted(view, 'ready');
    await view.post({ type: 'did-load-runs', runs: [demo.snapshot] });
    await view.page.waitForSelector('#view-explanations .empty-state');
    assert.match(
      (await view.page.locator('#view-explanations .empty-state').textContent()) ?? '',
      /No saliency maps for this run yet/,
    );
  });
});

/**
 * The example with its fine-tuned answer decided at an operating point that overrules the argmax:
 * the threshold on p(class 1) is put beyond the recorded probability, as a model's metadata.json can.
 */
function thresholded(example: SaliencyExample): { example: SaliencyExample; argmax: number; threshold: number } {
  const [entry, ...others] = example.explanations;
  assert.ok(entry && entry.model === 'fine-tuned');
  const p = entry.probabilities[1] ?? 0;
  const argmax = p >= (entry.probabilities[0] ?? 0) ? 1 : 0;
  const threshold = argmax === 1 ? (p + 1) / 2 : p / 2;
  const predicted = 1 - argmax;
  const decided = {
    ...entry,
    predicted,
    argmax,
    confidence: entry.probabilities[predicted] ?? 0,
    decision: { positiveClassIndex: 1, threshold, rule: 'youden' as const },
  };
  return { example: { ...example, explanations: [decided, ...others] }, argmax, threshold };
}

describe('answers at the operating point', { skip: cannotRun('dashboard') }, () => {
  test('the dashboard shows the thresholded answer, the argmax beside it, and judges right or wrong by it', async () => {
    const browser = await launchChromium();
    try {
      const dir = fixtureRunDirs()[0];
      assert.ok(dir);
      const demo = loadFixtureRun(dir);
      const saliency = saliencyFileSchema.parse(JSON.parse(readFileSync(join(dir, 'saliency.json'), 'utf8')));
      const [first, ...rest] = saliency.examples;
      assert.ok(first);
      const { example, argmax, threshold } = thresholded(first);
      // The true class is the thresholded answer: right at the operating point, wrong by the argmax.
      const file = { ...saliency, examples: [{ ...example, trueClass: 1 - argmax }, ...rest] };
      const view = await openWebview(browser, { view: 'dashboard', savedState: { tab: 'explanations' } });
      await waitForPosted(view, 'ready');
      await view.post({ type: 'did-load-runs', runs: [demo.snapshot] });
      await view.post({ type: 'did-load-saliency', key: demo.snapshot.key, saliency: file });
      const panel = view.page
        .locator('#view-explanations .saliency-figure')
        .first()
        .locator('[data-model="fine-tuned"]');
      await panel.waitFor();
      const classes = saliency.classes;
      assert.equal(
        await panel.locator('.saliency-prediction').textContent(),
        `${classes[1 - argmax]} at the operating point ${formatThreshold(threshold)}`,
      );
      assert.equal(await panel.locator('.saliency-argmax').textContent(), `argmax: ${classes[argmax]}`);
      assert.equal(await panel.getAttribute('data-outcome'), 'correct');
      await view.page.locator('#view-explanations vscode-dropdown').evaluate((dropdown) => {
        (dropdown as unknown as { value: string }).value = 'fine-tuned-correct';
        dropdown.dispatchEvent(new Event('change'));
      });
      const correct = file.examples.filter((candidate) =>
        candidate.explanations.some((entry) => entry.model === 'fine-tuned' && isCorrect(candidate, entry)),
      );
      await view.page.waitForFunction(
        (count) =>
          (globalThis as unknown as PageDocument).document.querySelectorAll('#view-explanations .saliency-figure')
            .length === count,
        correct.length,
      );
      assert.ok(correct.includes(file.examples[0] as SaliencyExample));
      assert.match(
        (await view.page.locator('#view-explanations figcaption').first().textContent()) ?? '',
        new RegExp(`test image #${first.index}$`),
        'the example is among the fine-tuned model’s correct ones',
      );
      assert.deepEqual(view.pageErrors, []);
      await view.close();
    } finally {
      await browser.close();
    }
  });
});

describe('Explain panel', { skip: cannotRun('explain') }, () => {
  test('draws the picked images with both models’ maps, named by file, with no CSP violation', async () => {
    const browser = await launchChromium();
    try {
      const dir = fixtureRunDirs()[0];
      assert.ok(dir);
      const saliency = saliencyFileSchema.parse(JSON.parse(readFileSync(join(dir, 'saliency.json'), 'utf8')));
      const [first, second] = saliency.examples;
      assert.ok(first && second);
      // The first image's fine-tuned answer is decided at an operating point that overrules its argmax.
      const { example, argmax, threshold } = thresholded(first);
      const picked: SaliencyFile = {
        ...saliency,
        split: 'files',
        examples: [example, second].map((entry, index) => ({ ...entry, index, trueClass: null })),
      };
      const files = ['chest <b>1</b>.png', 'scan-2.dcm'];
      const view = await openWebview(browser, { view: 'explain', theme: 'light' });
      await waitForPosted(view, 'ready');
      await view.post({ type: 'did-explain-images', run: 'demo · 20261124-101500', files, saliency: picked });
      await view.page.waitForSelector('.saliency-figure');
      assert.deepEqual(await view.page.locator('figcaption').allTextContents(), files);
      assert.equal(await view.page.locator('b').count(), 0);
      assert.equal(await view.page.locator('.saliency-figure').first().locator('canvas').count(), 3);
      assert.equal(await view.page.locator('.saliency-outcome').count(), 0, 'no right or wrong without a true class');
      const classes = saliency.classes;
      const fineTuned = view.page.locator('.saliency-figure').first().locator('[data-model="fine-tuned"]');
      assert.equal(
        await fineTuned.locator('.saliency-prediction').textContent(),
        `${classes[1 - argmax]} at the operating point ${formatThreshold(threshold)}`,
        'the thresholded answer, not the argmax',
      );
      assert.equal(
        await fineTuned.locator('.saliency-prediction').getAttribute('title'),
        `${classes[1]} when p(${classes[1]}) ≥ ${formatThreshold(threshold)}, chosen on the validation split (Youden’s J)`,
      );
      const p = ((picked.examples[0]?.explanations[0]?.probabilities[1] ?? 0) * 100).toFixed(1);
      assert.equal(await fineTuned.locator('.saliency-confidence').textContent(), `p(${classes[1]}) ${p}%`);
      assert.equal(await fineTuned.locator('.saliency-argmax').textContent(), `argmax: ${classes[argmax]}`);
      assert.match(
        (await fineTuned.locator('canvas').getAttribute('aria-label')) ?? '',
        new RegExp(
          `Fine-tuned: ${classes[1 - argmax]} at the operating point [\\d.]+, p\\(${classes[1]}\\) ${p}%, argmax`,
        ),
      );
      await view.page.screenshot({ path: join(SCREENSHOT_DIR, 'explain-panel-light.png'), fullPage: true });
      assert.deepEqual(await view.cspViolations(), []);
      assert.deepEqual(view.pageErrors, []);
      await view.close();
    } finally {
      await browser.close();
    }
  });
});
