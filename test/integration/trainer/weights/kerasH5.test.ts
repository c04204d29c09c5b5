// Keras 2 .h5 files through h5wasm: a full functional model (its model_config kept for building
// the topology later) and a weights-only file with ResNet50's layer names, written in HDF5's
// latest format. Every tensor must equal what h5py wrote; bad files must say what is wrong.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KERAS_LAYOUT, readKerasH5 } from '../../../../src/trainer/weights/kerasH5';
import { WeightFileError } from '../../../../src/trainer/weights/tensorMap';
import { skipMissing } from '../../../support/prerequisites';
import { referenceTensors, weightReaderFixtures } from '../../../support/weightReaderFixtures';

async function assertEqualsReference(path: string, dir: string, stem: string): Promise<void> {
  const { tensors } = (await readKerasH5(path)).tensors;
  const reference = await referenceTensors(dir, stem);
  assert.deepEqual(
    [...tensors.keys()],
    reference.map((tensor) => tensor.name),
  );
  for (const expected of reference) {
    const entry = tensors.get(expected.name);
    assert.deepEqual(entry?.shape, expected.shape, expected.name);
    assert.equal(entry?.sourceDtype, 'F32');
    const bytes = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    assert.ok(bytes(entry.values).equals(bytes(expected.values)), `${expected.name}: values differ`);
  }
}

describe('Keras .h5 weight files', () => {
  let dir = '';
  let scratch = '';
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'medtransfer-keras-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('makes the fixtures with h5py', async (context) => {
    const fixtures = await weightReaderFixtures();
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    dir = fixtures.dir;
  });

  it('reads a full model: its weights as h5py wrote them, and its model_config', async (context) => {
    if (dir === '') return context.skip('no fixtures');
    const file = await readKerasH5(join(dir, 'keras_full.h5'));
    assert.equal(file.kind, 'full-model');
    assert.equal(file.kerasVersion, '2.11.0');
    assert.equal(file.backend, 'tensorflow');
    assert.equal(file.modelConfig?.class_name, 'Functional');
    const layers = file.modelConfig?.config.layers;
    assert.ok(Array.isArray(layers) && layers.length === 6);
    assert.deepEqual(file.layers, [
      { name: 'conv1', weights: ['conv1/kernel', 'conv1/bias'] },
      { name: 'bn1', weights: ['bn1/gamma', 'bn1/beta', 'bn1/moving_mean', 'bn1/moving_variance'] },
      { name: 'predictions', weights: ['predictions/kernel', 'predictions/bias'] },
    ]);
    assert.equal(file.tensors.format, 'keras-h5');
    assert.equal(file.tensors.metadata.layout, KERAS_LAYOUT);
    assert.deepEqual(file.tensors.tensors.get('conv1/kernel')?.shape, [3, 3, 3, 8], 'Keras layout [h, w, in, out]');
    await assertEqualsReference(join(dir, 'keras_full.h5'), dir, 'keras_full');
  });

  it("reads a weights-only file with ResNet50's layer names", async (context) => {
    if (dir === '') return context.skip('no fixtures');
    const file = await readKerasH5(join(dir, 'resnet50_weights.h5'));
    assert.equal(file.kind, 'weights-only');
    assert.equal(file.modelConfig, null);
    assert.equal(file.tensors.tensors.size, 320);
    await assertEqualsReference(join(dir, 'resnet50_weights.h5'), dir, 'resnet50_weights');
  });

  it('refuses truncated and foreign files, naming the file', async (context) => {
    if (dir === '') return context.skip('no fixtures');
    const whole = await readFile(join(dir, 'keras_full.h5'));
    const cases: Array<[string, Uint8Array, RegExp]> = [
      [
        'cut.h5',
        whole.subarray(0, whole.length >> 1),
        /cut\.h5: HDF5 cannot (open|read) it \(truncated or corrupt\?\)/,
      ],
      ['text.h5', new TextEncoder().encode('not hdf5 at all'), /text\.h5: not an HDF5 file/],
    ];
    for (const [name, bytes, pattern] of cases) {
      await writeFile(join(scratch, name), bytes);
      await assert.rejects(readKerasH5(join(scratch, name)), (error: unknown) => {
        assert.ok(error instanceof WeightFileError, String(error));
        assert.match(error.message, pattern);
        return true;
      });
    }
  });
});
