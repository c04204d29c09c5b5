// The real trainer CLI at run time, watched from inside by a preload (test/fixtures/security/
// recordRuntimeAccess.mjs): a run makes no network access at all (no telemetry, no downloads:
// only "Install GPU Backend…" uses the network, and only when asked), and the paths an
// experiment names are read as data, never loaded as code, even when they point at scripts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { skipIfMissing } from '../../../support/prerequisites';
import { cliPath, fixturesDir } from '../../../support/paths';
import { tinyExperiment } from '../../../support/tinyExperiment';

const preload = join(fixturesDir, 'security', 'recordRuntimeAccess.mjs');

interface AccessRecord {
  network: string[];
  workspaceModules: string[];
}

function runWatched(
  workspace: string,
  file: string,
): { status: number | null; stdout: string; stderr: string; access: AccessRecord } {
  const log = join(workspace, 'access.json');
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(preload).href,
      cliPath,
      'run',
      file,
      '--runs-dir',
      join(workspace, 'runs'),
      '--no-progress',
    ],
    {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, MEDTRANSFER_WATCH_DIR: workspace, MEDTRANSFER_ACCESS_LOG: log },
    },
  );
  assert.ok(existsSync(log), `the preload wrote its record (stderr: ${result.stderr})`);
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    access: JSON.parse(readFileSync(log, 'utf8')) as AccessRecord,
  };
}

/** A script that leaves a mark if anything ever runs it. */
function trap(path: string, mark: string): void {
  writeFileSync(path, `require('node:fs').writeFileSync(${JSON.stringify(mark)}, 'executed');\nmodule.exports = {};\n`);
}

describe('the runtime access recorder', () => {
  it('sees network use and workspace code when there is some (so an empty record means none)', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'medtransfer-recorder-'));
    writeFileSync(join(workspace, 'script.js'), 'module.exports = 1;\n');
    const log = join(workspace, 'access.json');
    const probe = `require(${JSON.stringify(join(workspace, 'script.js'))}); require('node:dns').lookup('localhost', () => undefined); fetch('http://127.0.0.1:9').catch(() => undefined); require('node:net').connect(9, '127.0.0.1').on('error', () => undefined);`;
    const result = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, '-e', probe], {
      encoding: 'utf8',
      env: { ...process.env, MEDTRANSFER_WATCH_DIR: workspace, MEDTRANSFER_ACCESS_LOG: log },
    });
    assert.equal(result.status, 0, result.stderr);
    const access = JSON.parse(readFileSync(log, 'utf8')) as AccessRecord;
    assert.deepEqual(access.workspaceModules, [join(workspace, 'script.js')]);
    for (const use of ['node:dns.lookup', 'fetch http://127.0.0.1:9', 'node:net.connect'])
      assert.ok(
        access.network.some((entry) => entry.startsWith(use)),
        `${use} in ${access.network.join(' | ')}`,
      );
  });
});

describe(
  'the trainer at run time',
  { skip: skipIfMissing(!existsSync(cliPath) && 'dist/cli.js is not built (npm run build)') },
  () => {
    it('trains a run with no network access and no code from the workspace', () => {
      const workspace = mkdtempSync(join(tmpdir(), 'medtransfer-offline-'));
      const file = join(workspace, 'tiny.experiment.yaml');
      writeFileSync(file, tinyExperiment());
      const { status, stdout, stderr, access } = runWatched(workspace, file);
      assert.equal(status, 0, stderr);
      assert.match(stdout, /Run folder: /);
      assert.deepEqual(access.network, [], 'no network use');
      assert.deepEqual(access.workspaceModules, []);
    });

    it('reads a `pretrained` folder and dataset paths that point at scripts as data, and never runs them', () => {
      const workspace = mkdtempSync(join(tmpdir(), 'medtransfer-nocode-'));
      const mark = join(workspace, 'EXECUTED');
      const model = join(workspace, 'evil-model');
      mkdirSync(model);
      // A "model" folder that is a Node package: only model.json (JSON) may ever be read from it.
      trap(join(model, 'index.js'), mark);
      writeFileSync(join(model, 'package.json'), JSON.stringify({ name: 'evil-model', main: 'index.js' }));
      writeFileSync(
        join(model, 'model.json'),
        JSON.stringify({ modelTopology: './index.js', weightsManifest: [{ paths: ['index.js'], weights: [] }] }),
      );
      trap(join(workspace, 'evil.js'), mark);
      for (const name of ['normal', 'lesion']) {
        mkdirSync(join(workspace, 'evil-images', name), { recursive: true });
        trap(join(workspace, 'evil-images', name, 'image.png'), mark);
        trap(join(workspace, 'evil-images', name, 'index.js'), mark);
      }

      const pretrained = join(workspace, 'pretrained.experiment.yaml');
      writeFileSync(
        pretrained,
        `name: evil-pretrained
model: { architecture: seed-cnn, inputShape: [20, 20, 1] }
pretrained: ./evil-model
target:
  dataset: { type: synthetic, task: target, samples: 60 }
  classes: [normal, lesion]
  labelsPerClass: 4
fineTune: { strategy: two-phase, headEpochs: 1, epochs: 1 }
`,
      );
      const fromModel = runWatched(workspace, pretrained);
      assert.notEqual(fromModel.status, 0);
      assert.match(
        fromModel.stderr + fromModel.stdout,
        /cannot load the pretrained model from .*evil-model/,
        'the error names the folder',
      );

      const dataset = join(workspace, 'dataset.experiment.yaml');
      writeFileSync(
        dataset,
        `name: evil-data
model: { architecture: seed-cnn, inputShape: [20, 20, 1] }
source:
  dataset: { type: medmnist, path: ./evil.js }
  epochs: 1
target:
  dataset: { type: folder, path: ./evil-images }
  classes: [normal, lesion]
fineTune: { strategy: two-phase, headEpochs: 1, epochs: 1 }
`,
      );
      const fromData = runWatched(workspace, dataset);
      assert.notEqual(fromData.status, 0);
      assert.match(fromData.stderr + fromData.stdout, /evil\.js/, 'the error names the file');

      const images = join(workspace, 'images.experiment.yaml');
      writeFileSync(
        images,
        `name: evil-images
model: { architecture: seed-cnn, inputShape: [20, 20, 1] }
source:
  dataset: { type: synthetic, task: source, samples: 60 }
  epochs: 1
target:
  dataset: { type: folder, path: ./evil-images }
  classes: [normal, lesion]
fineTune: { strategy: two-phase, headEpochs: 1, epochs: 1 }
`,
      );
      const fromImages = runWatched(workspace, images);
      assert.notEqual(fromImages.status, 0);
      assert.match(fromImages.stderr + fromImages.stdout, /image\.png/, 'the error names the image');

      assert.equal(existsSync(mark), false, 'no script from the workspace ran');
      const runs = [fromModel, fromData, fromImages];
      assert.deepEqual(
        runs.flatMap((run) => run.access.workspaceModules),
        [],
      );
      assert.deepEqual(
        runs.flatMap((run) => run.access.network),
        [],
      );
    });
  },
);
