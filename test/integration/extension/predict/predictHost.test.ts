// The host's parts of "Predict with Model…", with real files: which entries and runs qualify, the
// CLI's command line and folder, and the built CLI run through the extension's runner on a real
// model folder: the CSV written where asked, skipped files read back, a failure put in words.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { before, describe, it } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { runCliCommand } from '../../../../src/extension/explain/cliProcess';
import {
  canPredict,
  commonFolder,
  isPredictableImage,
  predictOutcome,
  predictRequest,
  skippedSummary,
} from '../../../../src/extension/predict/predictRequest';
import { skippedLine } from '../../../../src/shared/run/predictionSkips';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { saveModel } from '../../../../src/trainer/models/modelFiles';
import { SeededRandom } from '../../../../src/trainer/random';
import { temporaryFolder } from '../../../support/cliHarness';
import { cliPath, repoRoot } from '../../../support/paths';
import { skipIfMissing } from '../../../support/prerequisites';

describe('Predict with Model…: pure parts', () => {
  it('takes the images predict decodes, whatever the case of the extension', () => {
    for (const file of ['a.png', 'b.JPG', 'c.jpeg', 'd.dcm', 'e.DICOM', 'f.nii', 'g.nii.GZ'])
      assert.ok(isPredictableImage(file), file);
    for (const file of ['a.gz', 'b.txt', 'c.png.json', 'noext']) assert.ok(!isPredictableImage(file), file);
  });

  it('is offered in the Explorer on the same files, and on folders, in trusted workspaces only', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { menus: Record<string, { command: string; when?: string }[]> };
    };
    const items = (manifest.contributes.menus['explorer/context'] ?? []).filter(
      (item) => item.command === 'medtransfer.predictWithModel',
    );
    assert.equal(items.length, 2);
    for (const item of items) assert.match(item.when ?? '', /^isWorkspaceTrusted && resourceScheme == file && /);
    assert.ok(items.some((item) => item.when?.endsWith('&& explorerResourceIsFolder')));
    const [, pattern = '', flags] = /resourceFilename =~ \/(.+)\/(i?)$/.exec(items[0]?.when ?? '') ?? [];
    const menu = new RegExp(pattern, flags);
    for (const name of ['a.png', 'b.JPG', 'c.jpeg', 'd.dcm', 'e.dicom', 'f.nii', 'g.nii.gz', 'h.gz', 'i.txt', 'noext'])
      assert.equal(menu.test(name), isPredictableImage(name), name);
  });

  it('runs in the deepest folder that holds every selected entry, naming them from there', () => {
    assert.equal(commonFolder(['/w/scans/a.png', '/w/scans/b.png']), '/w/scans');
    assert.equal(commonFolder(['/w/scans', '/w/other/c.dcm']), '/w');
    assert.equal(commonFolder(['/x.png', '/w/y.png']), sep);
    assert.deepEqual(predictRequest('/runs/r/1', ['/w/scans', '/w/other/c.dcm'], '/runs/r/1/predictions.csv'), {
      args: ['predict', '/runs/r/1', 'scans', 'other/c.dcm', '--out', '/runs/r/1/predictions.csv'],
      cwd: '/w',
    });
  });

  it('reads the ending: written, written with skipped files, cancelled, failed', () => {
    const skipped = { path: 'a "b": c.png', reason: 'the PNG file is truncated' };
    assert.deepEqual(predictOutcome({ code: 0, stdout: '', stderr: 'backend wasm: as asked' }), {
      kind: 'written',
      skipped: [],
    });
    assert.deepEqual(predictOutcome({ code: 5, stdout: '', stderr: `note\n${skippedLine(skipped)}\n` }), {
      kind: 'written',
      skipped: [skipped],
    });
    assert.deepEqual(predictOutcome({ code: null, stdout: '', stderr: 'cancelled' }), { kind: 'cancelled' });
    assert.deepEqual(predictOutcome({ code: 3, stdout: '', stderr: 'medtransfer: boom\n' }), {
      kind: 'failed',
      message: 'boom',
    });
    const many = Array.from({ length: 5 }, (_, n) => ({ path: `${n}.png`, reason: 'corrupt' }));
    assert.equal(skippedSummary(many), '0.png (corrupt); 1.png (corrupt); 2.png (corrupt); and 2 more (see the log)');
  });
});

function grayPng(value: number): Buffer {
  const png = new PNG({ width: 16, height: 16 });
  for (let p = 0; p < 256; p++) png.data.set([value, value, value, 255], p * 4);
  return PNG.sync.write(png, { colorType: 0 });
}

describe(
  'Predict with Model…: the built CLI through the extension’s runner',
  { skip: skipIfMissing(!existsSync(cliPath) && 'dist/cli.js is not built (npm run build)') },
  () => {
    let workspace = '';
    let modelDir = '';

    before(async () => {
      workspace = temporaryFolder('predict-host');
      // A real (untrained) model folder, as a run saves it: classes and input shape in metadata.json.
      const { model } = buildClassifier('seed-cnn', [20, 20, 1], 2, 0, new SeededRandom(1));
      modelDir = join(workspace, 'run', 'model');
      await saveModel(model, modelDir, {
        format: 'medtransfer-model/1',
        classes: ['normal', 'effusion'],
        inputShape: [20, 20, 1],
        normalization: { scale: 1 / 255, offset: 0, description: 'pixel values in [0, 1]' },
        architecture: 'seed-cnn',
        weightsSource: 'initialised',
        experimentName: 'host',
        runId: '',
        savedAt: new Date().toISOString(),
      });
      mkdirSync(join(workspace, 'scans', 'left'), { recursive: true });
      writeFileSync(join(workspace, 'scans', 'left', 'a.png'), grayPng(40));
      writeFileSync(join(workspace, 'scans', 'b.png'), grayPng(200));
      writeFileSync(join(workspace, 'scans', 'c.png'), grayPng(90).subarray(0, 50));
      writeFileSync(join(workspace, 'single.jpg'), 'not a JPEG');
    });

    it('writes the CSV where asked, rows named from the selection’s folder, and lists the skipped files', async () => {
      const out = join(workspace, 'predictions.csv');
      const request = predictRequest(modelDir, [join(workspace, 'scans'), join(workspace, 'single.jpg')], out);
      const outcome = predictOutcome(await runCliCommand({ cliPath, ...request }));
      assert.deepEqual(outcome.kind === 'written' ? outcome.skipped.map((file) => file.path) : outcome, [
        'scans/c.png',
        'single.jpg',
      ]);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'path,slice,p(normal),p(effusion),decision');
      assert.deepEqual(
        lines.slice(1).map((line) => line.split(',')[0]),
        ['scans/b.png', 'scans/left/a.png'],
      );
      assert.equal(canPredict(join(workspace, 'run'), { status: 'completed' }), true);
      assert.equal(canPredict(join(workspace, 'run'), { status: 'failed' }), false);
      assert.equal(canPredict(join(workspace, 'scans'), { status: 'completed' }), false);
    });

    it('puts a failure in words: a folder that holds no model', async () => {
      const request = predictRequest(workspace, [join(workspace, 'scans')], join(workspace, 'never.csv'));
      const outcome = predictOutcome(await runCliCommand({ cliPath, ...request }));
      assert.equal(outcome.kind, 'failed');
      assert.match(outcome.kind === 'failed' ? outcome.message : '', /is neither a MedTransfer run folder/);
      assert.ok(!existsSync(join(workspace, 'never.csv')));
    });
  },
);
