// Each architecture's declared minimum image size (ARCHITECTURE_MIN_SIZE, checked by the schema)
// is the truth: at the minimum, in height and in width, the model builds and takes a training
// step with a finite loss; one pixel below it (where the schema allows that size), it refuses to
// build.
// A new architecture fails here until its declared minimum is right.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ARCHITECTURES, ARCHITECTURE_MIN_SIZE, MIN_INPUT_SIZE } from '../../../../src/shared/experiment/schema';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { useWasm } from '../../../support/wasmTestSetup';

before(useWasm);

/** One Adam step on two images of `height`×`width`; the loss. */
async function trainStep(architecture: (typeof ARCHITECTURES)[number], height: number, width: number): Promise<number> {
  const { model } = buildClassifier(architecture, [height, width, 1], 2, 0, new SeededRandom(1));
  try {
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.randomUniform([2, height, width, 1], 0, 1, 'float32', 1);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    tf.dispose([x, y]);
    return Number(history.history.loss?.[0]);
  } finally {
    model.dispose();
  }
}

describe('the minimum input size of each architecture', () => {
  for (const architecture of ARCHITECTURES) {
    const { size } = ARCHITECTURE_MIN_SIZE[architecture];
    it(`${architecture} trains at ${size}×${size}, ${size}×${size + 5} and ${size + 5}×${size}`, async () => {
      assert.ok(size >= MIN_INPUT_SIZE);
      for (const [height, width] of [
        [size, size],
        [size, size + 5],
        [size + 5, size],
      ] as const) {
        const loss = await trainStep(architecture, height, width);
        assert.ok(Number.isFinite(loss), `${architecture} at ${height}×${width}: loss ${loss}`);
      }
      if (size > MIN_INPUT_SIZE) {
        await assert.rejects(trainStep(architecture, size - 1, size + 5), /needs images of at least/);
        await assert.rejects(trainStep(architecture, size + 5, size - 1), /needs images of at least/);
      }
    });
  }
});
