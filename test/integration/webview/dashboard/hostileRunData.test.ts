// Run data is untrusted: class names, the experiment name, file names, log lines and errors come
// from files anyone can write. Fed a run full of markup to the built dashboard (every tab, one
// run and a comparison) and the Monitor in real Chromium under the extension's CSP: nothing
// executes, nothing is parsed as HTML, and the text shows literally.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import type { RunSnapshot } from '../../../../src/shared/webview/protocol';
import { eventsBefore, fixtureRunDirs, loadFixtureRun, renameClass } from '../../../support/fixtureRuns';
import type { FixtureRun } from '../../../support/fixtureRuns';
import { cannotRun, launchChromium, openWebview, waitForPosted } from '../../../support/webviewPage';
import type { WebviewPage } from '../../../support/webviewPage';

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';
const hostile = (what: string) => `${what} ${IMG} ${SCRIPT}`;

/** The demo run with every string a run carries replaced by markup. */
function hostileEvents(events: readonly TrainerEvent[], classes: readonly string[]): TrainerEvent[] {
  let renamed = [...events];
  classes.forEach((name, index) => (renamed = renameClass(renamed, name, hostile(`class${index}`))));
  const withStrings = renamed.map((event): TrainerEvent => {
    switch (event.type) {
      case 'run-started':
        return {
          ...event,
          experimentName: hostile('name'),
          experimentFile: `/w/${IMG}.experiment.yaml`,
          runDir: `/w/runs/${SCRIPT}/1`,
          backendNotes: [hostile('note')],
          pretrained: `/data/${IMG}/model`,
        };
      case 'data-loaded':
        return {
          ...event,
          target: { ...event.target, description: hostile('target') },
          source: event.source ? { ...event.source, description: hostile('source') } : null,
        };
      case 'phase-started':
        return { ...event, description: hostile('phase') };
      case 'log':
        return { ...event, message: hostile('log') };
      default:
        return event;
    }
  });
  const end = withStrings.findIndex((event) => event.type === 'run-ended');
  const extra: TrainerEvent[] = [
    {
      type: 'data-progress',
      seq: 0,
      time: new Date().toISOString(),
      stage: 'decoding',
      done: 1,
      total: 2,
      file: `normal/${IMG}.png`,
    },
    { type: 'log', seq: 0, time: new Date().toISOString(), level: 'error', message: hostile('log line') },
  ];
  const body = end === -1 ? withStrings : withStrings.slice(0, end);
  const tail = end === -1 ? [] : withStrings.slice(end);
  return [...body, ...extra, ...tail].map((event, index) => ({ ...event, seq: index }) as TrainerEvent);
}

describe('hostile run data in the webviews', { skip: cannotRun('dashboard') || cannotRun('monitor') }, () => {
  let browser: Browser;
  let demo: FixtureRun;
  const pages: WebviewPage[] = [];

  before(async () => {
    browser = await launchChromium();
    const [dir] = fixtureRunDirs();
    assert.ok(dir);
    demo = loadFixtureRun(dir);
  });

  after(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
  });

  function snapshot(key: string, events: TrainerEvent[], error: string | null = null): RunSnapshot {
    const ended =
      error === null
        ? events
        : [
            ...eventsBefore(events, (event) => event.type === 'run-ended'),
            {
              type: 'run-ended',
              seq: events.length + 5,
              time: new Date().toISOString(),
              status: 'failed',
              error,
              seconds: 3,
            } as TrainerEvent,
          ];
    return {
      key,
      label: hostile('label'),
      settings: {
        ...demo.snapshot.settings,
        'target.dataset.path': `/data/${IMG}`,
        [hostile('setting')]: hostile(error === null ? 'value' : 'other value'),
      },
      events: ended,
      controllable: false,
      outsideWorkspace: [{ what: 'target data', path: `/data/${IMG}` }],
    };
  }

  async function assertInert(view: WebviewPage): Promise<void> {
    const { page } = view;
    assert.equal(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
      undefined,
      'no injected script or handler ran',
    );
    assert.equal(await page.locator('img').count(), 0, 'no <img> was created from run data');
    assert.equal(await page.locator('script').count(), 1, "only the nonce'd bundle is a script");
    assert.deepEqual(view.pageErrors, []);
  }

  test('dashboard: every tab of one run and of a comparison shows the markup as text', async () => {
    const classes = demo.state.target?.classes ?? [];
    const events = hostileEvents(demo.events, classes);
    const view = await openWebview(browser, { view: 'dashboard' });
    pages.push(view);
    await waitForPosted(view, 'ready');
    const runs = [snapshot('/w/runs/a/1', events), snapshot('/w/runs/a/2', events, hostile('error'))];
    for (const shown of [[runs[0]], runs, [runs[1]]]) {
      await view.post({ type: 'did-load-runs', runs: shown });
      await view.page.waitForSelector('#app:not([aria-busy]) .run-title');
      const tabs = view.page.locator('vscode-panel-tab');
      const count = await tabs.count();
      assert.ok(count >= (shown.length > 1 ? 5 : 4), `tabs: ${count}`);
      if (shown.length > 1)
        assert.ok(
          (await view.page.locator('vscode-panel-view').first().textContent())?.includes(hostile('setting')),
          'the compare table shows setting names literally',
        );
      let tabsWithMarkup = 0;
      for (let index = 0; index < count; index++) {
        await tabs.nth(index).click();
        await view.page.waitForTimeout(150);
        const panel = view.page.locator('vscode-panel-view').nth(index);
        const text = (await panel.textContent()) ?? '';
        // Every tab that shows run strings shows them literally, never as elements.
        if (/class0|setting|log|phase/.test(text)) {
          assert.ok(text.includes(IMG) || text.includes(SCRIPT), `tab ${index} shows the markup as text`);
          tabsWithMarkup++;
        }
        await assertInert(view);
      }
      assert.ok(tabsWithMarkup >= 2, `run strings appear on ${tabsWithMarkup} tabs`);
      const header = (await view.page.locator('.run-header').textContent()) ?? '';
      assert.ok(header.includes(hostile('name')) || header.includes(hostile('label')), 'the name shows literally');
      assert.ok(
        header.includes(`Outside the workspace: target data /data/${IMG}`),
        'the path outside the workspace is marked, literally',
      );
      assert.ok(header.includes(hostile('class0')), 'class names in the data table show literally');
    }
    const error = await view.page.locator('.run-error').textContent();
    assert.equal(error, hostile('error'));
    await assertInert(view);
  });

  test('monitor: a live run and its end show the markup as text', async () => {
    const classes = demo.state.target?.classes ?? [];
    const events = hostileEvents(demo.events, classes);
    const live = eventsBefore(events, (event) => event.type === 'evaluation');
    const view = await openWebview(browser, { view: 'monitor', width: 320, height: 700 });
    pages.push(view);
    await waitForPosted(view, 'ready');
    await view.post({ type: 'did-load-runs', runs: [snapshot('/w/runs/a/1', live)] });
    await view.page.waitForSelector('#app:not([aria-busy]) > section');
    const text = (await view.page.locator('#app').textContent()) ?? '';
    assert.ok(text.includes(IMG) || text.includes(SCRIPT), 'the monitor shows run strings literally');
    await assertInert(view);
    await view.post({ type: 'did-append-events', key: '/w/runs/a/1', events: events.slice(live.length) });
    await view.page.waitForTimeout(200);
    assert.ok(((await view.page.locator('#app').textContent()) ?? '').includes(IMG));
    await assertInert(view);
  });
});
