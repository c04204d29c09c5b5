// End to end: the packaged .vsix installed into real VS Code (code-server), a workspace with
// two small synthetic experiments, driven through the UI by Playwright in headless Chromium.
// One user story, in order: the tree and the code lens, a run watched live in the Monitor, the
// dashboard's confusion matrices checked against the run's events.jsonl, its saliency overlays
// and Export Report (report.html, report.md in the run folder), a bad value's squiggle
// in the editor and the Problems panel, and a second run stopped and shown stopped in the tree.
// Each step keeps a screenshot under test-output/e2e/; logs go to test-output/e2e/logs/.
// Run it with `npm run test:e2e` (it packages the extension first; MEDTRANSFER_E2E_VSIX=file
// uses a built .vsix, MEDTRANSFER_E2E_KEEP=1 keeps the temp workspace and profile).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Frame, Locator } from 'playwright-core';
import { errorKindAdvice } from '../../src/shared/run/errorKind';
import type { EvaluatedModel } from '../../src/shared/run/events';
import { REPORT_FILE_NAMES } from '../../src/extension/report/reportRequest';
import { parseExperiment } from '../../src/shared/experiment/parseExperiment';
import { saveLogs } from './support/artifacts';
import { createProfile, installCodeServer, installExtension, startCodeServer } from './support/codeServer';
import type { CodeServer, Profile } from './support/codeServer';
import { describeRunFolder, readRun, splitSize } from './support/runFiles';
import { waitUntil } from '../support/polling';
import { webviewFrame } from './support/webviewFrames';
import { launchBrowser, OUTPUT_DIR, Workbench } from './support/workbench';
import { packageExtension } from './support/vsix';
import { RUNS_FOLDER_SETTING, writeWorkspace } from './support/workspace';
import type { WorkspaceFixture } from './support/workspace';
import { isAlive } from '../support/polling';
import { skipIfMissing } from '../support/prerequisites';
import { slurmClusterMissing } from '../support/slurmCluster';

/** The quick experiment trains in ~15 s here; this leaves room for a slow CI machine. */
const RUN_TIMEOUT_MS = 150_000;
const MONITOR = '.monitor-run, .monitor-idle';

type StepId =
  | 'lens'
  | 'run'
  | 'dashboard'
  | 'explanations'
  | 'squiggle'
  | 'stop'
  | 'reload'
  | 'resume'
  | 'study'
  | 'cluster'
  | 'errors';

// No suite timeout: a first `before` may install code-server (minutes); every step and hook
// has its own bound, so the suite always ends.
describe('MedTransfer in VS Code (code-server)', () => {
  let root: string | undefined;
  let profile: Profile | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workbench: Workbench;
  let workspace: WorkspaceFixture;
  /** Steps that passed: a step whose prerequisites did not pass is skipped rather than failing in their wake. */
  const passed = new Set<StepId>();
  let quickRunId = '';
  /** The latest run the Monitor followed (so the next step can tell its own run). */
  let lastRunId = '';

  before(
    async () => {
      rmSync(OUTPUT_DIR, { recursive: true, force: true });
      const vsix = packageExtension();
      const entry = installCodeServer();
      root = mkdtempSync(join(tmpdir(), 'medtransfer-e2e-'));
      workspace = writeWorkspace(join(root, 'workspace'));
      // wasm: the backend every machine has, named so `auto` cannot pick another one on a CI box
      // that happens to have tfjs-node.
      profile = createProfile(join(root, 'profile'), {
        'medtransfer.runsFolder': RUNS_FOLDER_SETTING,
        'medtransfer.backend': 'wasm',
      });
      installExtension(entry, profile, vsix);
      server = await startCodeServer(entry, profile);
      browser = await launchBrowser();
      workbench = await Workbench.open(browser, `${server.url}?folder=${encodeURIComponent(workspace.dir)}`);
      // Info toasts (run completed, run stopped) pile up over the editor and the screenshots;
      // errors still show in Do Not Disturb mode.
      await workbench.runCommand('Notifications: Toggle Do Not Disturb Mode');
    },
    { timeout: 20 * 60_000 },
  ); // a first install of code-server builds native modules

  after(
    async () => {
      try {
        saveLogs(OUTPUT_DIR, profile, {
          'code-server.log': server?.output() ?? '',
          'browser-console.log': (workbench?.console ?? []).map((line) => `[${line.type}] ${line.text}`).join('\n'),
        });
      } finally {
        await browser?.close().catch(() => undefined);
        await server?.stop();
        if (root && !process.env.MEDTRANSFER_E2E_KEEP) rmSync(root, { recursive: true, force: true });
        else if (root) console.log(`kept ${root}`);
      }
    },
    { timeout: 60_000 },
  );

  /**
   * A step of the story. It runs only when the steps it `needs` passed; a failure leaves a
   * screenshot of the workbench and reports what the extension logged as errors.
   */
  function step(
    id: StepId,
    name: string,
    options: { timeoutMs: number; needs: readonly StepId[]; skip?: string | false },
    body: () => Promise<void>,
  ): void {
    test(name, { timeout: options.timeoutMs, skip: options.skip ?? false }, async (context) => {
      const missing = options.needs.filter((need) => !passed.has(need));
      if (missing.length > 0) {
        context.skip(`needs the step(s) that did not pass: ${missing.join(', ')}`);
        return;
      }
      try {
        await body();
        passed.add(id);
      } catch (error) {
        await workbench?.screenshot(`failed-${id}`).catch(() => undefined);
        for (const line of workbench?.extensionErrors() ?? [])
          context.diagnostic(`extension error: ${line.split('\n').slice(0, 3).join(' ⏎ ')}`);
        throw error;
      }
    });
  }

  function progressBar(monitor: Frame, label: 'Phase' | 'Epoch' | 'Batch'): Locator {
    return monitor
      .locator('.progress', { has: monitor.locator('.progress-label', { hasText: label }) })
      .locator('[role=progressbar]');
  }

  /** Phase, epoch and batch as the Monitor's progress bars say them (`Batch 12 of 263`…). */
  async function progressText(monitor: Frame): Promise<string> {
    const texts: string[] = [];
    for (const label of ['Phase', 'Epoch', 'Batch'] as const) {
      const bar = progressBar(monitor, label);
      if ((await bar.count()) > 0 && (await bar.isVisible()))
        texts.push((await bar.getAttribute('aria-valuetext')) ?? '');
    }
    return texts.join(' | ');
  }

  /** Waits until the Monitor shows a run other than `previousRunId` training (a batch done), and returns its id. */
  async function waitForTrainingInMonitor(previousRunId: string): Promise<{ monitor: Frame; runId: string }> {
    const monitor = await webviewFrame(workbench.page, MONITOR);
    const runId = await waitUntil(
      'the Monitor to show the new run',
      async () => {
        const id = ((await monitor.locator('.monitor-run .run-id').textContent({ timeout: 1_000 })) ?? '').trim();
        return id !== '' && id !== previousRunId ? id : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await monitor.locator('.monitor-run .status-badge', { hasText: 'Running' }).waitFor();
    await waitUntil(
      'the Monitor to show a finished batch',
      async () => Number(await progressBar(monitor, 'Batch').getAttribute('aria-valuenow', { timeout: 1_000 })) >= 1,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    return { monitor, runId };
  }

  step(
    'lens',
    'the Experiments tree lists the experiments and the file shows the Run code lens',
    { timeoutMs: 60_000, needs: [] },
    async () => {
      await workbench.showContainer('MedTransfer');
      await workbench.treeRow(`${workspace.slow.name} no runs`).waitFor();
      const quickRow = workbench.treeRow(`${workspace.quick.name} no runs`);
      // The item's command opens the file.
      await quickRow.click();
      await workbench.waitForActiveTab(workspace.quick.fileName);
      await workbench.codeLens('▶ Run experiment').waitFor();
      assert.deepEqual(
        await workbench.codeLensTexts(),
        ['▶ Run experiment'],
        'an experiment without runs has only the Run lens',
      );
      await workbench.screenshot('01-code-lens');
    },
  );

  step(
    'run',
    'clicking Run experiment trains it, live in the Monitor, to completion',
    { timeoutMs: RUN_TIMEOUT_MS + 60_000, needs: ['lens'] },
    async () => {
      await workbench.codeLens('▶ Run experiment').click();
      const { monitor, runId } = await waitForTrainingInMonitor('');
      quickRunId = runId;
      lastRunId = runId;
      await workbench.codeLens('■ Stop').waitFor();
      // Live: the progress moves while we watch, without any reload.
      const first = await progressText(monitor);
      assert.match(first, /Batch \d+ of \d+/);
      await waitUntil(
        `the Monitor's progress to move on from "${first}"`,
        async () => {
          const now = await progressText(monitor);
          return now !== '' && now !== first ? now : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      await workbench.screenshot('02-monitor-running');

      await monitor
        .locator('.monitor-run .status-badge', { hasText: 'Completed' })
        .waitFor({ timeout: RUN_TIMEOUT_MS });
      await workbench.codeLens('▶ Run experiment').waitFor();
      await workbench.codeLens(/^Last run: AUC /).waitFor();
      await workbench.screenshot('03-monitor-completed');

      const { state } = readRun(join(workspace.runsRoot, workspace.quick.name, runId));
      assert.equal(state.status, 'completed', `run ${runId} ended ${state.status}: ${state.error ?? ''}`);
      assert.equal(state.backend, 'wasm', 'the medtransfer.backend setting reached the trainer');
      assert.equal(state.runId, runId);
    },
  );

  step(
    'dashboard',
    'the dashboard shows both confusion matrices with the class names and the test-set counts',
    { timeoutMs: 90_000, needs: ['run'] },
    async () => {
      const { state, events } = readRun(join(workspace.runsRoot, workspace.quick.name, quickRunId));
      assert.ok(state.target, 'data-loaded event in events.jsonl');
      assert.equal(state.evaluationSplit, 'test');
      const testSize = splitSize(state.target.sizes.test);
      assert.ok(testSize > 0);
      assert.deepEqual(
        state.target.classes,
        [...workspace.quick.classes],
        "the trainer used the experiment file's class names",
      );

      // With the experiment file active, the command opens its latest run without asking.
      await workbench.waitForActiveTab(workspace.quick.fileName);
      await workbench.runCommand('MedTransfer: Open Dashboard');
      await workbench.activeTab(`${workspace.quick.name} · ${quickRunId}`).waitFor();
      const dashboard = await webviewFrame(workbench.page, 'vscode-panel-tab#tab-confusion');
      await dashboard.locator('vscode-panel-tab#tab-confusion').click();

      const models: readonly [label: string, model: EvaluatedModel][] = [
        ['Fine-tuned', 'fine-tuned'],
        ['Scratch', 'scratch'],
      ];
      for (const [label, model] of models) {
        const table = dashboard.locator(`table.confusion[data-model="${label}"]`);
        await table.waitFor();
        const columns = (await table.locator('thead th.class-name').allTextContents()).map((text) => text.trim());
        assert.deepEqual(columns, [...workspace.quick.classes], `${label}: predicted-class headers`);
        const rowHeaders = table.locator('tbody th.class-name');
        const rows: string[] = [];
        for (let index = 0; index < (await rowHeaders.count()); index++)
          rows.push((await rowHeaders.nth(index).getAttribute('title')) ?? '');
        assert.deepEqual(rows, [...workspace.quick.classes], `${label}: actual-class headers`);

        const cells = table.locator('td.cell');
        const counts: number[] = [];
        for (let index = 0; index < (await cells.count()); index++)
          counts.push(Number(await cells.nth(index).getAttribute('data-count')));
        assert.equal(
          counts.length,
          workspace.quick.classes.length ** 2,
          `${label}: a ${workspace.quick.classes.length}×${workspace.quick.classes.length} matrix`,
        );
        assert.equal(
          counts.reduce((sum, count) => sum + count, 0),
          testSize,
          `${label}: the counts sum to the test-set size`,
        );
        assert.equal(await table.getAttribute('data-total'), String(testSize));
        const evaluation = events.find((event) => event.type === 'evaluation' && event.model === model);
        assert.ok(evaluation?.type === 'evaluation', `${model} evaluation in events.jsonl`);
        assert.deepEqual(counts, evaluation.metrics.confusion.flat(), `${label}: the matrix is the run's evaluation`);
        const figure = dashboard.locator('figure.matrix', { has: table });
        assert.match((await figure.locator('.matrix-summary').textContent()) ?? '', new RegExp(`^${testSize} cases`));
      }
      await workbench.screenshot('04-dashboard-confusion');
    },
  );

  step(
    'explanations',
    'the Explanations tab draws saliency overlays, and its Export Report writes report.html and report.md',
    { timeoutMs: 180_000, needs: ['dashboard'] },
    async () => {
      const runDir = join(workspace.runsRoot, workspace.quick.name, quickRunId);
      const reportHtml = join(runDir, REPORT_FILE_NAMES.html);
      const reportMarkdown = join(runDir, REPORT_FILE_NAMES.markdown);
      assert.ok(!existsSync(reportHtml) && !existsSync(reportMarkdown), 'no report before Export Report');
      const auc = readRun(runDir).state.evaluations['fine-tuned']?.auc;
      assert.ok(typeof auc === 'number' && Number.isFinite(auc), 'the fine-tuned AUC in events.jsonl');

      // The dashboard of the run is still the active editor (the dashboard step).
      const dashboard = await webviewFrame(workbench.page, 'vscode-panel-tab#tab-explanations');
      await dashboard.locator('vscode-panel-tab#tab-explanations').click();
      // A model's panel: its heatmap blended over the image on a <canvas>, with its answer at its operating
      // point (a binary run: the threshold chosen on the validation split) and the score behind it.
      const panel = dashboard.locator('.explanations-view .saliency-panel[data-model]').first();
      await panel.waitFor({ timeout: 60_000 });
      const prediction = ((await panel.locator('.saliency-prediction').textContent()) ?? '').trim();
      assert.match(
        prediction,
        new RegExp(`^(${workspace.quick.classes.join('|')}) at the operating point \\d(\\.\\d+)?(e-\\d+)?$`),
      );
      assert.match(
        ((await panel.locator('.saliency-confidence').textContent()) ?? '').trim(),
        /^p\(lesion\) \d+(\.\d)?%$/,
      );
      const canvas = panel.locator('canvas.saliency-canvas');
      assert.match(
        (await canvas.getAttribute('aria-label')) ?? '',
        /: (normal|lesion) at the operating point [\d.e-]+, p\(lesion\) \d+(\.\d)?%/,
        'the overlay names the answer, its operating point and the score',
      );
      // Drawn: some pixel is opaque and not black (an undrawn canvas is all transparent zeros).
      const drawn = await waitUntil(
        'the overlay canvas to have drawn pixels',
        () =>
          canvas.evaluate((node) => {
            // The canvas as far as this check uses it (the suite compiles without the DOM lib).
            const element = node as unknown as {
              width: number;
              height: number;
              getContext(
                kind: '2d',
              ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
            };
            if (element.width === 0 || element.height === 0) return false;
            const data = element.getContext('2d')?.getImageData(0, 0, element.width, element.height).data;
            if (!data) return false;
            let count = 0;
            for (let index = 0; index < data.length; index += 4)
              if (
                (data[index + 3] ?? 0) > 0 &&
                (data[index] ?? 0) + (data[index + 1] ?? 0) + (data[index + 2] ?? 0) > 0
              )
                count++;
            return count > 0 ? count : false;
          }),
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      assert.ok(drawn > 0);
      await workbench.screenshot('04b-dashboard-explanations');

      // The tab's button runs Export Report for this run (no quick pick); the CLI writes both files.
      await dashboard.locator('.explanations-view vscode-button', { hasText: 'Export Report' }).click();
      await waitUntil(
        `report.html and report.md in ${runDir}`,
        async () => existsSync(reportHtml) && existsSync(reportMarkdown),
        { timeoutMs: 120_000, intervalMs: 200 },
      );
      const html = readFileSync(reportHtml, 'utf8');
      assert.match(html, /not a medical device/i);
      assert.ok(html.includes(auc.toFixed(3)), `report.html shows the run's fine-tuned AUC ${auc.toFixed(3)}`);
      assert.match(readFileSync(reportMarkdown, 'utf8'), /not a medical device/i);
      await workbench.screenshot('04c-report-exported');
    },
  );

  step(
    'squiggle',
    'a bad value gets a squiggle, with the message in its hover and in the Problems panel',
    { timeoutMs: 90_000, needs: ['lens'] },
    async () => {
      const { quick } = workspace;
      const lines = quick.text.split('\n');
      const index = lines.indexOf('  labelsPerClass: 10');
      assert.ok(index >= 0, 'the fixture has the line to edit');
      const line = index + 1;
      const edited = [...lines.slice(0, index), '  labelsPerClass: 0', ...lines.slice(index + 1)].join('\n');
      const parsed = parseExperiment(edited);
      assert.ok(!parsed.ok, 'labelsPerClass: 0 is invalid');
      const [expected] = parsed.diagnostics;
      assert.ok(expected && parsed.diagnostics.length === 1);
      assert.equal(expected.start.line, line);

      // The item's label is the name; its description (run count) depends on the run step.
      await workbench.clickTreeRow(`${quick.name} `);
      await workbench.waitForActiveTab(quick.fileName);
      await workbench.goToLineEnd(line);
      await workbench.page.keyboard.press('Backspace');
      await workbench.page.keyboard.press('Backspace');
      await workbench.page.keyboard.type('0');

      // Diagnostics follow the unsaved buffer as it is typed.
      const squiggle = workbench.squiggles().first();
      await squiggle.waitFor();
      assert.equal(await workbench.squiggles().count(), 1);
      const hover = await workbench.hoverUntil(squiggle, expected.message);
      assert.match((await hover.textContent()) ?? '', /MedTransfer/, 'the hover names the source');
      const invalidRow = workbench.treeRow(`${quick.name} 1 problem`);
      await invalidRow.waitFor();
      await workbench.screenshot('05-squiggle-hover');

      await workbench.page.mouse.move(5, 5);
      await workbench.page.keyboard.press('Control+Shift+M');
      const problem = workbench.problemRows().filter({ hasText: expected.message });
      await problem.first().waitFor();
      const label = (await problem.first().getAttribute('aria-label')) ?? '';
      assert.ok(label.includes(expected.message), `Problems row: ${label}`);
      assert.match(label, new RegExp(`^Error: .* at line ${line} and character \\d+\\. generated by MedTransfer`));
      await workbench.screenshot('06-problems-panel');

      // Back to the file on disk: the problem goes away everywhere.
      await workbench.activeEditor().locator('.view-lines').click();
      await workbench.runCommand('File: Revert File');
      await workbench.squiggles().first().waitFor({ state: 'detached' });
      await problem.first().waitFor({ state: 'detached' });
      await invalidRow.waitFor({ state: 'detached' });
      await workbench.runCommand('View: Toggle Panel Visibility');
      await workbench.page.locator('.part.panel').waitFor({ state: 'hidden' });
    },
  );

  step(
    'stop',
    'a second run can be stopped from its code lens, and the tree shows it stopped',
    { timeoutMs: RUN_TIMEOUT_MS, needs: ['run'] },
    async () => {
      const { slow } = workspace;
      await workbench.clickTreeRow(`${slow.name} no runs`);
      await workbench.waitForActiveTab(slow.fileName);
      await workbench.codeLens('▶ Run experiment').click();
      const { monitor, runId } = await waitForTrainingInMonitor(quickRunId);
      lastRunId = runId;
      await workbench.screenshot('07-second-run-training');

      await workbench.codeLens('■ Stop').click();
      await monitor.locator('.monitor-run .status-badge', { hasText: 'Stopped' }).waitFor({ timeout: 60_000 });
      await workbench.codeLens('▶ Run experiment').waitFor();

      const experimentRow = workbench.treeRow(`${slow.name} 1 run`);
      await experimentRow.waitFor();
      await workbench.expandTreeRow(experimentRow);
      const runRow = workbench.treeRow(`${runId} stopped`);
      await runRow.waitFor();
      assert.equal(await runRow.locator('.codicon-debug-stop').count(), 1, 'the stopped run has the stop icon');
      await runRow.hover();
      await workbench.screenshot('08-tree-stopped-run');

      const { state, events } = readRun(join(workspace.runsRoot, slow.name, runId));
      assert.equal(state.status, 'stopped');
      assert.ok(
        events.some((event) => event.type === 'batch-ended'),
        'it was stopped while training',
      );
      assert.ok(!events.some((event) => event.type === 'evaluation'), 'it was stopped before the end');
    },
  );

  /** Reloads the window and waits for the new workbench (the old page's DOM is gone first). */
  async function reloadWindow(): Promise<void> {
    const navigated = workbench.page.waitForEvent('framenavigated', {
      predicate: (frame) => frame === workbench.page.mainFrame(),
      timeout: 60_000,
    });
    await workbench.runCommand('Developer: Reload Window');
    await navigated;
    await workbench.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  }

  /**
   * Waits for the run's row to show completed. A run that ends otherwise fails the step at once; a
   * failure says what the run folder and the notifications on screen say.
   */
  async function waitForCompletedRow(row: Locator, runDir: string, timeoutMs: number): Promise<void> {
    const endsBefore = readRun(runDir).events.filter((event) => event.type === 'run-ended').length;
    let waiting = true;
    // Resolves 'ended' when the run ends otherwise than completed, 'done' once the row has shown it.
    const endedOtherwise = waitUntil(
      'the run to end otherwise than completed',
      () => {
        if (!waiting) return 'done';
        const ends = readRun(runDir).events.filter((event) => event.type === 'run-ended');
        const last = ends.at(-1);
        return ends.length > endsBefore && last?.type === 'run-ended' && last.status !== 'completed' && 'ended';
      },
      { timeoutMs: timeoutMs + 60_000, intervalMs: 500 },
    ).catch(() => 'done');
    try {
      await Promise.race([
        row.locator('.codicon-pass').waitFor({ timeout: timeoutMs }),
        endedOtherwise.then((outcome) => {
          if (outcome === 'ended') throw new Error('the run ended, not completed');
          return new Promise<never>(() => undefined);
        }),
      ]);
    } catch (error) {
      const notifications = await workbench.notificationTexts().catch(() => []);
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n${describeRunFolder(runDir)}\n` +
          `notifications: ${notifications.join(' | ') || 'none'}`,
      );
    } finally {
      waiting = false;
    }
  }

  /**
   * Clicks the row's Resume Run action until the row leaves the interrupted state. The tree
   * re-renders its rows when a run folder changes; a click that lands on a row being replaced is
   * lost (CI once waited 300 s after one), so a click with no effect in 20 s is said and repeated.
   */
  async function clickUntilResumed(row: Locator, runDir: string): Promise<void> {
    const resumed = (): boolean => readRun(runDir).events.some((event) => event.type === 'run-resumed');
    for (let attempt = 1; ; attempt++) {
      await row.hover();
      await row.locator('.action-label[aria-label="Resume Run"]').click();
      try {
        await row.locator('.codicon-debug-disconnect').waitFor({ state: 'detached', timeout: 20_000 });
        return;
      } catch (error) {
        if (resumed()) return;
        const notifications = await workbench.notificationTexts().catch(() => []);
        const seen = `notifications: ${notifications.join(' | ') || 'none'}`;
        if (attempt === 3) throw new Error(`Resume Run was clicked 3 times without effect; ${seen}`, { cause: error });
        console.log(`# Resume Run click ${attempt} had no effect in 20 s (${seen}); clicking again`);
      }
    }
  }

  /** The run's row in the Experiments tree, its experiment expanded. */
  async function runRow(experimentName: string, runId: string): Promise<Locator> {
    await workbench.showContainer('MedTransfer');
    const experimentRow = workbench.treeRow(`${experimentName} `);
    await experimentRow.waitFor();
    await workbench.expandTreeRow(experimentRow);
    const row = workbench.treeRow(`${runId} `);
    await row.waitFor();
    return row;
  }

  step(
    'reload',
    'a run goes on through a window reload: shown running after it, and it completes',
    { timeoutMs: 2 * RUN_TIMEOUT_MS + 120_000, needs: ['run'] },
    async () => {
      const { reload } = workspace;
      await workbench.clickTreeRow(`${reload.name} no runs`);
      await workbench.waitForActiveTab(reload.fileName);
      await workbench.codeLens('▶ Run experiment').click();
      const { runId } = await waitForTrainingInMonitor(lastRunId);
      lastRunId = runId;
      const runDir = join(workspace.runsRoot, reload.name, runId);
      const { pid } = readRun(runDir).state;
      assert.ok(pid !== null && isAlive(pid));

      await reloadWindow();
      assert.ok(isAlive(pid), 'the trainer outlived the window');
      const row = await runRow(reload.name, runId);
      // Reattached: shown running (the spinning sync icon), not interrupted, and it updates live.
      await row.locator('.codicon-sync').waitFor({ timeout: 30_000 });
      await workbench.screenshot('09-reattached-after-reload');
      await waitForCompletedRow(row, runDir, 2 * RUN_TIMEOUT_MS);
      await workbench.screenshot('10-reattached-run-completed');

      const { state, events } = readRun(runDir);
      assert.equal(state.status, 'completed', `run ${runId} ended ${state.status}: ${state.error ?? ''}`);
      assert.equal(events.filter((event) => event.type === 'run-started').length, 1);
      assert.ok(!events.some((event) => event.type === 'run-resumed'), 'the same trainer finished it, no resume');
      assert.equal(state.pid, pid);
    },
  );

  step(
    'resume',
    'a trainer killed with SIGKILL shows interrupted, and Resume completes the run',
    { timeoutMs: 3 * RUN_TIMEOUT_MS + 120_000, needs: ['run'] },
    async () => {
      const { resume } = workspace;
      await workbench.clickTreeRow(`${resume.name} no runs`);
      await workbench.waitForActiveTab(resume.fileName);
      await workbench.codeLens('▶ Run experiment').click();
      const { runId } = await waitForTrainingInMonitor(lastRunId);
      lastRunId = runId;
      const runDir = join(workspace.runsRoot, resume.name, runId);
      await waitUntil('the first checkpoint', () => existsSync(join(runDir, 'checkpoint')), {
        timeoutMs: RUN_TIMEOUT_MS,
        intervalMs: 200,
      });
      const { pid } = readRun(runDir).state;
      assert.ok(pid !== null);
      process.kill(pid, 'SIGKILL');

      const row = await runRow(resume.name, runId);
      await workbench.treeRow(`${runId} interrupted`).waitFor({ timeout: 30_000 });
      // The notification says what happened and what to do (errorKind interrupted's advice).
      await workbench
        .notification(`was interrupted: the trainer was killed by SIGKILL`)
        .filter({ hasText: errorKindAdvice('interrupted') })
        .waitFor({ timeout: 30_000 });
      await row.locator('.codicon-debug-disconnect').waitFor();
      await row.hover();
      await workbench.screenshot('11-interrupted-run');
      await clickUntilResumed(row, runDir);
      await waitForCompletedRow(row, runDir, 2 * RUN_TIMEOUT_MS);
      await workbench.screenshot('12-resumed-run-completed');

      const { state, events } = readRun(runDir);
      assert.equal(state.status, 'completed', `run ${runId} ended ${state.status}: ${state.error ?? ''}`);
      const ends = events.filter((event) => event.type === 'run-ended');
      assert.deepEqual(
        ends.map((event) => event.type === 'run-ended' && [event.status, event.errorKind]),
        [
          ['interrupted', 'interrupted'],
          ['completed', null],
        ],
        'the extension recorded why the first end came',
      );
      assert.equal(events.filter((event) => event.type === 'run-resumed').length, 1);
    },
  );

  step(
    'study',
    'the Run study lens runs a study of three label counts, and the Study view draws its chart and its runs',
    { timeoutMs: 4 * RUN_TIMEOUT_MS, needs: ['lens'] },
    async () => {
      const { study } = workspace;
      await workbench.clickTreeRow(`${study.name} not run yet`);
      await workbench.waitForActiveTab(study.fileName);
      await workbench.codeLens(`▶ Run study (${study.labels.length} runs)`).click();
      // Starting opens the Study view, which follows study.json as the runs end.
      const view = await webviewFrame(workbench.page, '.study-view', 60_000);
      await view
        .locator('.study-progress', { hasText: `${study.labels.length} of ${study.labels.length} runs done` })
        .waitFor({ timeout: 3 * RUN_TIMEOUT_MS });
      await view.locator('.study-status', { hasText: 'Completed' }).waitFor({ timeout: 30_000 });
      await view.locator('.study-chart canvas').waitFor();
      const rows = view.locator('table.runs-table tr.run-row');
      assert.equal(await rows.count(), study.labels.length);
      assert.deepEqual(
        (await view.locator('table.runs-table td[data-setting="target.labelsPerClass"]').allTextContents()).map(Number),
        [...study.labels],
      );
      assert.deepEqual(await view.locator('table.points-table td.completed').allTextContents(), [
        '1 of 1',
        '1 of 1',
        '1 of 1',
      ]);
      await workbench.screenshot('13-study-view');
      const record = JSON.parse(
        readFileSync(join(workspace.runsRoot, `${study.name}.study`, 'study.json'), 'utf8'),
      ) as { status: string; runs: { runId: string; status: string }[] };
      assert.equal(record.status, 'completed');
      // A click on a run opens its dashboard.
      const first = record.runs[0];
      assert.ok(first);
      await rows.first().locator('.open-run').click();
      await workbench.activeTab(`${study.base.name} · ${first.runId}`).waitFor({ timeout: 30_000 });
    },
  );

  step(
    'cluster',
    'Run on Cluster submits to SLURM: the tree shows the run pending, then completed; Stop cancels a queued one',
    { timeoutMs: RUN_TIMEOUT_MS + 60_000, needs: ['lens'], skip: skipIfMissing(slurmClusterMissing()) },
    async () => {
      const { cluster } = workspace;
      // The cluster is the machine's, never the workspace's: machine settings (where Remote-SSH
      // keeps a login node's; code-server's server reads them from Machine/settings.json). Each
      // job waits 15 s (sbatch --begin), so that the tree can be seen showing it queued.
      const machineDir = join(profile?.userDataDir ?? '', 'Machine');
      mkdirSync(machineDir, { recursive: true });
      writeFileSync(
        join(machineDir, 'settings.json'),
        `${JSON.stringify(
          {
            'medtransfer.executor': 'slurm',
            'medtransfer.slurm.partition': 'debug',
            'medtransfer.slurm.sbatchArgs': ['--begin=now+15'],
          },
          null,
          2,
        )}\n`,
      );
      await workbench.clickTreeRow(`${cluster.name} no runs`);
      await workbench.waitForActiveTab(cluster.fileName);
      await workbench.codeLens('☁ Run on Cluster').click();
      const experimentRow = workbench.treeRow(`${cluster.name} `);
      await experimentRow.waitFor();
      await workbench.expandTreeRow(experimentRow);
      const pending = workbench.page.locator('.part.sidebar .monaco-list-row[aria-label*="pending · SLURM job"]');
      await pending.first().waitFor({ timeout: 30_000 });
      const runId = /^(\S+) pending/.exec((await pending.first().getAttribute('aria-label')) ?? '')?.[1] ?? '';
      await workbench.codeLens(/^Pending: SLURM job \d+$/).waitFor();
      await workbench.screenshot('14-cluster-run-pending');
      const runDir = join(workspace.runsRoot, cluster.name, runId);
      await waitUntil('the job to start its trainer', () => existsSync(join(runDir, 'events.jsonl')), {
        timeoutMs: 60_000,
        intervalMs: 500,
      });
      const row = workbench.treeRow(`${runId} `);
      await waitForCompletedRow(row, runDir, RUN_TIMEOUT_MS);
      await workbench.screenshot('15-cluster-run-completed');
      const { state } = readRun(runDir);
      assert.equal(state.status, 'completed');
      assert.match(state.slurm?.jobId ?? '', /^\d+$/, 'run-started names the job');

      // A second one, stopped while queued: scancel, and the tree says it never started.
      await workbench.codeLens('☁ Run on Cluster').click();
      await pending.first().waitFor({ timeout: 30_000 });
      const queuedId = /^(\S+) pending/.exec((await pending.first().getAttribute('aria-label')) ?? '')?.[1] ?? '';
      assert.notEqual(queuedId, runId);
      const queued = workbench.treeRow(`${queuedId} `);
      await queued.hover();
      await queued.locator('.action-label[aria-label="Stop Run"]').click();
      await workbench.treeRow(`${queuedId} never started`).waitFor({ timeout: 30_000 });
      await workbench.codeLens('Last run: never started (its SLURM job ended first)').waitFor();
      await workbench.screenshot('16-cluster-run-cancelled');
    },
  );

  step('errors', 'the extension logged no uncaught errors', { timeoutMs: 10_000, needs: [] }, async () => {
    assert.deepEqual(workbench.extensionErrors(), []);
  });
});
