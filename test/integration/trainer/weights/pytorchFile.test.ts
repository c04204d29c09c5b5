// PyTorch files read without Python: state dicts in the zip and the legacy format, whole pickled
// modules in both, float16/bfloat16/float64 storages, tensors at offsets into a shared storage.
// Every tensor must equal torch's own float32 conversion exactly; bad files must say what is wrong.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readPytorchFile } from '../../../../src/trainer/weights/pytorchFile';
import { WeightFileError } from '../../../../src/trainer/weights/tensorMap';
import type { TensorMap } from '../../../../src/trainer/weights/tensorMap';
import { skipMissing } from '../../../support/prerequisites';
import { referenceTensors, weightReaderFixtures } from '../../../support/weightReaderFixtures';

const CASES = [
  { file: 'small.zip.pth', format: 'pytorch-zip', dtype: 'F32' },
  { file: 'small.legacy.pth', format: 'pytorch-legacy', dtype: 'F32' },
  { file: 'small.module.pt', format: 'pytorch-module', dtype: 'F32' },
  { file: 'small.module.legacy.pt', format: 'pytorch-module', dtype: 'F32' },
  { file: 'small.f16.pth', format: 'pytorch-zip', dtype: 'F16' },
  { file: 'small.f16.legacy.pth', format: 'pytorch-legacy', dtype: 'F16' },
  { file: 'small.bf16.pth', format: 'pytorch-zip', dtype: 'BF16' },
  { file: 'small.f64.pth', format: 'pytorch-zip', dtype: 'F64' },
  { file: 'views.pth', format: 'pytorch-zip', dtype: 'F32' },
  { file: 'resnet18.zip.pth', format: 'pytorch-zip', dtype: 'F32' },
  { file: 'resnet18.legacy.pth', format: 'pytorch-legacy', dtype: 'F32' },
  { file: 'resnet18.module.pt', format: 'pytorch-module', dtype: 'F32' },
] as const;

/** Bit for bit (assert.deepEqual on millions of elements runs out of memory). */
function assertSameValues(actual: Float32Array, expected: Float32Array, name: string): void {
  const bytes = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (bytes(actual).equals(bytes(expected))) return;
  const index = expected.findIndex((value, at) => !Object.is(value, actual[at]));
  assert.fail(`${name}: ${actual.length} values, expected ${expected.length}; first difference at ${index}`);
}

async function assertEqualsReference(map: TensorMap, dir: string, file: string): Promise<void> {
  const reference = await referenceTensors(dir, file.replace(/\.(pth|pt)$/, ''));
  assert.deepEqual(
    [...map.tensors.keys()],
    reference.map((tensor) => tensor.name),
    'names, in state-dict order',
  );
  for (const expected of reference) {
    const entry = map.tensors.get(expected.name);
    assert.ok(entry, expected.name);
    assert.deepEqual(entry.shape, expected.shape, expected.name);
    assertSameValues(entry.values, expected.values, expected.name);
  }
}

async function assertRefused(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(readPytorchFile(path), (error: unknown) => {
    assert.ok(error instanceof WeightFileError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

describe('PyTorch weight files', () => {
  let dir = '';
  let scratch = '';
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'medtransfer-pytorch-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('makes the fixtures with Debian torch', async (context) => {
    const fixtures = await weightReaderFixtures();
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    dir = fixtures.dir;
  });

  for (const { file, format, dtype } of CASES) {
    it(`reads ${file} as torch does, without num_batches_tracked`, async (context) => {
      if (dir === '') return context.skip('no fixtures');
      const map = await readPytorchFile(join(dir, file));
      assert.equal(map.format, format);
      assert.ok([...map.tensors.values()].every((entry) => entry.sourceDtype === dtype));
      assert.ok(![...map.tensors.keys()].some((name) => name.includes('num_batches_tracked')));
      await assertEqualsReference(map, dir, file);
    });
  }

  it('names the class of a whole module', async (context) => {
    if (dir === '') return context.skip('no fixtures');
    const map = await readPytorchFile(join(dir, 'resnet18.module.pt'));
    assert.equal(map.metadata.module, 'torchvision.models.resnet.ResNet');
    assert.equal(map.tensors.get('layer4.1.bn2.running_var')?.shape.join(','), '512');
  });

  it('refuses a non-contiguous tensor, naming it', async (context) => {
    if (dir === '') return context.skip('no fixtures');
    await assertRefused(join(dir, 'strided.pth'), /strided\.pth: `transposed` is not contiguous .*stride \[1, 5\]/);
  });

  it('refuses truncated and corrupt files, naming the file and what is wrong', async (context) => {
    if (dir === '') return context.skip('no fixtures');
    const zip = await readFile(join(dir, 'small.zip.pth'));
    const legacy = await readFile(join(dir, 'small.legacy.pth'));
    const write = async (name: string, bytes: Uint8Array): Promise<string> => {
      await writeFile(join(scratch, name), bytes);
      return join(scratch, name);
    };
    await assertRefused(
      await write('half.pth', zip.subarray(0, zip.length >> 1)),
      /half\.pth: not a readable zip file/,
    );
    await assertRefused(await write('cut.pth', legacy.subarray(0, legacy.length - 10)), /cut\.pth: truncated/);
    await assertRefused(
      await write('early.pth', legacy.subarray(0, 200)),
      /early\.pth: cannot read the pickled object \(truncated or corrupt\?\)/,
    );
    await assertRefused(
      await write('text.pth', new TextEncoder().encode('{"not": "weights"}')),
      /text\.pth: not a PyTorch file/,
    );
    const flipped = Uint8Array.from(legacy);
    flipped.set([0xff], 17); // the protocol-version pickle's first opcode after PROTO, made one that does not exist
    await assertRefused(await write('flipped.pth', flipped), /flipped\.pth: cannot read the protocol version .*opcode/);
  });
});
