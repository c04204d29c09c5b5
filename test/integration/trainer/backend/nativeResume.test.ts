// Bit-identical resume on the native kernels: a run with `backend: native` of mobilenet-small
// (whose steps run every native kernel: convolutions and depthwise convolutions with their
// gradients, batch normalisation in training, ReLU6), SIGKILLed in the middle of a fine-tuning
// epoch and resumed, ends with the same weights, byte for byte, and the same metrics as the same
// run uninterrupted. (run/resume.test.ts checks resume in depth with `auto`, which takes native
// where it is built, on the seed CNN: convolutions only.)
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { runAndKill } from '../../../support/killedRun';
import { nativeAddonOrReason } from '../../../support/nativeTestSetup';
import { skipIfMissing } from '../../../support/prerequisites';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const found = nativeAddonOrReason();
const EXPERIMENT = tinyExperiment({
  name: 'native-resume',
  seed: 5,
  backend: 'native',
  model: { architecture: 'mobilenet-small', inputShape: [20, 20, 1] },
  source: { dataset: synthetic('source', 160), epochs: 1 },
  target: { dataset: synthetic('target', 700), labelsPerClass: undefined },
  fineTune: { headEpochs: 1, epochs: 2 },
  baseline: { epochs: 1 },
  training: { augmentation: { flip: 'horizontal', rotate: 10 } },
  evaluation: { bootstrap: { resamples: 0 } },
});

function modelFiles(runDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const folder of ['model', 'scratch-model', 'source-model'])
    for (const name of readdirSync(join(runDir, folder)).filter((file) => file.endsWith('.bin')))
      files.set(`${folder}/${name}`, readFileSync(join(runDir, folder, name)));
  return files;
}

describe(
  'medtransfer resume on the native kernels',
  { skip: skipIfMissing('reason' in found ? found.reason : false) },
  () => {
    it('continues a native run SIGKILLed mid-epoch to the uninterrupted run, byte for byte', async () => {
      const folder = temporaryFolder('native-resume');
      const file = writeExperiment(folder, 'native-resume', EXPERIMENT);
      const whole = runCli(['run', file, '--run-id', 'uninterrupted', '--quiet']);
      assert.equal(whole.status, 0, whole.stderr);
      const uninterrupted = join(folder, 'runs', 'native-resume', 'uninterrupted');
      assert.equal(eventsOf(readEvents(uninterrupted), 'run-started')[0]?.backend, 'native');

      const killed = await runAndKill(
        file,
        'killed',
        (event) => event.type === 'batch-ended' && event.phase === 'finetune' && event.epoch === 2 && event.batch === 1,
      );
      assert.equal(killed.signal, 'SIGKILL');
      const runDir = join(folder, 'runs', 'native-resume', 'killed');
      assert.equal(eventsOf(readEvents(runDir), 'run-ended').length, 0, 'killed before the end');
      const resumed = runCli(['resume', runDir, '--quiet']);
      assert.equal(resumed.status, 0, resumed.stderr);
      const events = readEvents(runDir);
      assert.deepEqual(
        eventsOf(events, 'run-resumed').map((event) => [event.backend, event.fromPhase, event.fromEpoch]),
        [['native', 'finetune', 1]],
      );
      assert.equal(eventsOf(events, 'run-ended')[0]?.status, 'completed');

      const curve = (dir: string) =>
        replayRunEvents(readEvents(dir)).epochs.map(({ phase, epoch, metrics }) => ({ phase, epoch, metrics }));
      assert.deepEqual(curve(runDir), curve(uninterrupted), 'the same epochs with the same losses');
      const metrics = (dir: string) => readFileSync(join(dir, 'metrics.json'), 'utf8').replace(/"runId": "\w+"/, '');
      assert.equal(metrics(runDir), metrics(uninterrupted), 'the same metrics.json');
      const expected = modelFiles(uninterrupted);
      const actual = modelFiles(runDir);
      assert.deepEqual([...actual.keys()], [...expected.keys()]);
      for (const [name, bytes] of expected) assert.ok(actual.get(name)?.equals(bytes), `${name} differs`);
    });
  },
);
