// The host's pure parts of Explain and Export Report, the CLI runner against the real built CLI,
// and the dashboard session serving saliency maps and the export-report action.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RunWebviewSession } from '../../../../src/extension/dashboard/runWebviewSession';
import { cliFailure, runCliCommand } from '../../../../src/extension/explain/cliProcess';
import {
  canExplain,
  explainArgs,
  isExplainableImage,
  parseExplainOutput,
} from '../../../../src/extension/explain/explainRequest';
import { readSaliencyFile } from '../../../../src/extension/explain/readSaliencyFile';
import { reportArgs } from '../../../../src/extension/report/reportRequest';
import { defaultOnnxPath, exportOnnxArgs } from '../../../../src/extension/report/exportOnnxRequest';
import { Emitter } from '../../../../src/extension/util/emitter';
import type { AppendedEvents } from '../../../../src/extension/runs/runStore';
import { saliencyFileSchema } from '../../../../src/shared/run/saliency';
import type { HostMessage } from '../../../../src/shared/webview/protocol';
import { isHostMessage } from '../../../../src/shared/webview/protocol';
import { loadFixtureRun, fixtureRunDirs } from '../../../support/fixtureRuns';
import { skipIfMissing } from '../../../support/prerequisites';
import { cliPath } from '../../../support/paths';
import { waitUntil } from '../../../support/polling';

const fixtureDir = fixtureRunDirs()[0] ?? '';
const fixtureSaliency = saliencyFileSchema.parse(JSON.parse(readFileSync(join(fixtureDir, 'saliency.json'), 'utf8')));

describe('Explain with model…: pure parts', () => {
  it('accepts the image files the loaders decode, whatever the case of the extension', () => {
    for (const file of ['a.png', 'b.JPG', 'c.jpeg', 'd.dcm', 'e.DICOM']) assert.ok(isExplainableImage(file), file);
    for (const file of ['a.nii.gz', 'b.txt', 'c.png.json', 'noext']) assert.ok(!isExplainableImage(file), file);
  });

  it('offers completed runs that saved a model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medtransfer-can-explain-'));
    assert.equal(canExplain(dir, { status: 'completed' }), false);
    mkdirSync(join(dir, 'scratch-model'));
    writeFileSync(join(dir, 'scratch-model', 'model.json'), '{}');
    assert.equal(canExplain(dir, { status: 'completed' }), true);
    assert.equal(canExplain(dir, { status: 'running' }), false);
    assert.equal(canExplain(dir, { status: 'failed' }), false);
  });

  it('builds the CLI arguments and validates its JSON answer', () => {
    assert.deepEqual(explainArgs('/runs/a/1', ['/x/1.png', '/x/2.dcm']), [
      'explain',
      '/runs/a/1',
      '/x/1.png',
      '/x/2.dcm',
      '--json',
    ]);
    assert.deepEqual(reportArgs('/runs/a/1'), ['report', '/runs/a/1']);
    assert.deepEqual(reportArgs('/runs/a/1', '/out'), ['report', '/runs/a/1', '--out', '/out']);
    assert.equal(defaultOnnxPath('/runs/a/1'), join('/runs/a/1', 'model.onnx'));
    assert.deepEqual(exportOnnxArgs('/runs/a/1', '/out/m.onnx'), [
      'export',
      '/runs/a/1',
      '--format',
      'onnx',
      '--out',
      '/out/m.onnx',
    ]);
    assert.deepEqual(parseExplainOutput(`backend note\n${JSON.stringify(fixtureSaliency)}\n`), fixtureSaliency);
    assert.throws(() => parseExplainOutput('medtransfer: boom'), /did not answer with JSON/);
    assert.throws(
      () => parseExplainOutput(JSON.stringify({ ...fixtureSaliency, format: 'other' })),
      /not a saliency file/,
    );
  });
});

describe(
  'runCliCommand (the built CLI, for real)',
  { skip: skipIfMissing(!existsSync(cliPath) && 'dist/cli.js is not built (npm run build)') },
  () => {
    it('writes a report of a recorded run, and names the problem when the folder is no run', async () => {
      const out = mkdtempSync(join(tmpdir(), 'medtransfer-report-cli-'));
      const ok = await runCliCommand({ cliPath, args: reportArgs(fixtureDir, out) });
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(existsSync(join(out, 'report.html')) && existsSync(join(out, 'report.md')));
      const failed = await runCliCommand({ cliPath, args: reportArgs(out) });
      assert.equal(failed.code, 3);
      assert.match(cliFailure(failed), /is not a MedTransfer run folder \(no events\.jsonl\)$/);
    });

    it('exports a model as ONNX, and names the problem when the run saved none', async () => {
      // The recorded runs keep no model (tests/integration/trainer/cli/exportOnnx.test.ts exports a real one).
      const out = join(mkdtempSync(join(tmpdir(), 'medtransfer-onnx-cli-')), 'model.onnx');
      const failed = await runCliCommand({ cliPath, args: exportOnnxArgs(fixtureDir, out) });
      assert.equal(failed.code, 3);
      assert.match(cliFailure(failed), /is neither a run folder with a fine-tuned model/);
      assert.equal(existsSync(out), false);
    });

    it('is cancelled by its signal', async () => {
      const abort = new AbortController();
      const running = runCliCommand({
        cliPath,
        args: ['explain', fixtureDir, join(fixtureDir, 'missing.png')],
        signal: abort.signal,
      });
      abort.abort();
      assert.deepEqual(await running, { code: null, stdout: '', stderr: 'cancelled' });
    });
  },
);

describe('dashboard session: saliency maps and Export Report', () => {
  it('sends saliency.json after the snapshot and on a live saliency event; passes export-report on', async () => {
    const fixture = loadFixtureRun(fixtureDir);
    const posted: HostMessage[] = [];
    const exported: string[] = [];
    const fromWebview = new Emitter<unknown>();
    const appends = new Emitter<AppendedEvents>();
    const saliencyEvent = {
      type: 'saliency' as const,
      file: 'saliency.json',
      split: 'test' as const,
      examples: fixtureSaliency.examples.length,
      models: [],
      seconds: 0.1,
      seq: 100_000,
      time: '2026-11-24T10:20:00.000Z',
    };
    const session = new RunWebviewSession({
      channel: { post: (message) => void posted.push(message), onDidReceiveMessage: fromWebview.event },
      feed: {
        snapshot: async () => [
          { ...fixture.snapshot, events: [...fixture.snapshot.events, { ...saliencyEvent, seq: 99_999 }] },
        ],
        onDidAppendEvents: appends.event,
        onDidChangeControllable: new Emitter<{ key: string; controllable: boolean }>().event,
        saliency: readSaliencyFile,
      },
      actions: {
        stopRun: () => undefined,
        revealRunFolder: () => undefined,
        openDashboard: () => undefined,
        exportReport: (key) => void exported.push(key),
      },
      log: () => undefined,
      keys: [fixture.snapshot.key],
      schedule: () => ({ dispose: () => undefined }),
    });
    fromWebview.fire({ type: 'ready' });
    await waitUntil('saliency.json to be sent', () => posted.some((message) => message.type === 'did-load-saliency'));
    assert.deepEqual(
      posted.map((message) => message.type),
      ['did-load-runs', 'did-load-saliency'],
    );
    assert.ok(posted.every(isHostMessage));
    const sent = posted[1];
    assert.ok(sent?.type === 'did-load-saliency');
    assert.equal(sent.saliency.examples.length, fixtureSaliency.examples.length);
    appends.fire({ key: fixture.snapshot.key, events: [saliencyEvent], restarted: false });
    await waitUntil(
      'saliency.json to be sent again',
      () => posted.filter((message) => message.type === 'did-load-saliency').length === 2,
    );
    fromWebview.fire({ type: 'export-report', key: fixture.snapshot.key });
    fromWebview.fire({ type: 'export-report', key: '/not/shown' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(exported, [fixture.snapshot.key]);
    session.dispose();
  });
});
