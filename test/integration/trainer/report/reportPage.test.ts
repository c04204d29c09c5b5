// `medtransfer report` on a real run, opened in headless Chromium: every section is there, the
// numbers are metrics.json's, the hostile class name stays text (no script runs), and the page
// asks for nothing but itself.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { metricsFileSchema } from '../../../../src/shared/run/metricsFile';
import type { MetricsFile } from '../../../../src/shared/run/metricsFile';
import { formatThreshold } from '../../../../src/shared/run/modelDecision';
import { saliencyFileSchema } from '../../../../src/shared/run/saliency';
import type { SaliencyFile } from '../../../../src/shared/run/saliency';
import { runCli, temporaryFolder } from '../../../support/cliHarness';
import { HOSTILE_CLASS, trainExplainedRun } from '../../../support/explainedRun';
import { CHROMIUM_PATH, launchChromium, SCREENSHOT_DIR } from '../../../support/webviewPage';
import { skipIfMissing } from '../../../support/prerequisites';

const skip = skipIfMissing(!existsSync(CHROMIUM_PATH) && `no Chromium at ${CHROMIUM_PATH}`);

describe('report.html in Chromium', { skip }, () => {
  let browser: Browser;
  let page: Page;
  let metrics: MetricsFile;
  let saliency: SaliencyFile;
  let markdown = '';
  const requests: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    const runDir = trainExplainedRun('report');
    const out = temporaryFolder('report-out');
    const result = runCli(['report', runDir, '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    metrics = metricsFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')));
    saliency = saliencyFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'saliency.json'), 'utf8')));
    markdown = readFileSync(join(out, 'report.md'), 'utf8');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'report.png'), fullPage: true });
  });

  after(async () => {
    await browser?.close();
  });

  it('has every section and the not-a-medical-device warning', async () => {
    const headings = await page.locator('h2').allTextContents();
    assert.deepEqual(headings, [
      'Summary',
      'Experiment',
      'Data',
      'Training curves',
      'Evaluation',
      'Operating point',
      'What the models looked at',
      'Model card',
    ]);
    assert.match(
      (await page.locator('header .warning').textContent()) ?? '',
      /Not a medical device\. Not for clinical use\./,
    );
    assert.ok((await page.locator('#training svg path').count()) >= 4, 'training curves drawn');
    const overlays = page.locator('#explanations img');
    assert.ok((await overlays.count()) >= 6);
    assert.match((await overlays.first().getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.ok(
      await overlays.first().evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth >= 160),
      'overlays decode',
    );
    assert.match((await page.locator('#model-card').textContent()) ?? '', /Small evaluation set \(n = \d+ < 100\)/);
  });

  it('shows metrics.json’s numbers', async () => {
    const rows = page.locator('#summary table tbody tr');
    for (const [index, name] of (['fine-tuned', 'scratch'] as const).entries()) {
      const model = metrics.models[name];
      assert.ok(model);
      const cells = await rows.nth(index).locator('td').allTextContents();
      assert.equal(cells[0], String(model.count));
      const auc = model.intervals?.auc;
      assert.equal(
        cells[1],
        auc
          ? `${auc.estimate.toFixed(3)} (${auc.low.toFixed(3)} to ${auc.high.toFixed(3)})`
          : (model.auc ?? 0).toFixed(3),
      );
      assert.equal(cells[5], (model.accuracy ?? 0).toFixed(3));
    }
    const fineTuned = metrics.models['fine-tuned'];
    const confusion = await page.locator('#evaluation table').first().locator('tbody td').allTextContents();
    assert.deepEqual(confusion.map(Number), fineTuned?.confusion.flat());
    const delong = metrics.comparison?.delong;
    if (delong)
      assert.match(
        (await page.locator('#summary').textContent()) ?? '',
        new RegExp(delong.pValue < 0.001 ? 'p < 0\\.001' : `p = ${delong.pValue.toFixed(3)}`),
      );
  });

  it('gives each saliency example’s answers at the models’ operating points, as saliency.json has them', async () => {
    const panels = page.locator('#explanations .panel');
    const answers = saliency.examples.flatMap((example) =>
      example.explanations.map((entry) => {
        assert.ok(entry.decision, 'a binary run records the operating point');
        return `${saliency.classes[entry.predicted]} at the operating point ${formatThreshold(entry.decision.threshold)}`;
      }),
    );
    // Per figure: the image's panel, then one per model.
    const shown = (await panels.allTextContents()).filter((_, index) => index % 3 !== 0);
    assert.equal(shown.length, answers.length);
    shown.forEach((text, index) => assert.ok(text.includes(answers[index] ?? '?'), `${text} / ${answers[index]}`));
    assert.ok(markdown.includes('at the operating point'));
  });

  it('keeps a hostile class name as text: no script runs, no element is made from it', async () => {
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(await page.locator('script').count(), 0);
    assert.ok(((await page.locator('#data').textContent()) ?? '').includes(HOSTILE_CLASS));
    assert.deepEqual(pageErrors, []);
    assert.ok(!markdown.includes('<img src=x'), 'escaped in report.md too');
    assert.ok(markdown.includes('&lt;img src=x onerror="window.\\_\\_pwned=1"&gt;'));
  });

  it('loads nothing but itself', () => {
    const others = requests
      .filter((url) => !url.startsWith('file://') || !url.endsWith('report.html'))
      .filter((url) => !url.startsWith('data:'));
    assert.deepEqual(others, []);
  });
});
