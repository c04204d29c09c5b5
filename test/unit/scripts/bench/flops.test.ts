// The bench's physical limit: FLOPs counted from the layers against the published figures of
// torchvision's models (multiply-adds at 224×224×3: ResNet-18 1.81 G, ResNet-50 4.09 G,
// MobileNetV2 0.30 G; two FLOPs a multiply-add), and the limit line built from them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { forwardFlopsPerImage } from '../../../../scripts/bench/flops';
import type { BenchRow } from '../../../../scripts/bench/results';
import { limitLines } from '../../../../scripts/bench/table';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { useWasm } from '../../../support/wasmTestSetup';

before(useWasm);

describe('forwardFlopsPerImage', () => {
  for (const [architecture, multiplyAdds] of [
    ['resnet18', 1.81e9],
    ['resnet50', 4.09e9],
    ['mobilenetv2', 0.3e9],
  ] as const) {
    it(`counts ${architecture} at 224×224×3 as torchvision's published figure (1000 classes)`, () => {
      const { model } = buildClassifier(architecture, [224, 224, 3], 1000, 0, new SeededRandom(1));
      const flops = forwardFlopsPerImage(model);
      model.dispose();
      assert.ok(Math.abs(flops / (2 * multiplyAdds) - 1) < 0.02, `${(flops / 1e9).toFixed(3)} GFLOP`);
    });
  }
});

describe('limitLines', () => {
  it('gives each row its share of the limit at its thread count', () => {
    const rows: BenchRow[] = [
      {
        model: 'm',
        backend: 'native',
        framework: 'tfjs',
        status: 'ok',
        threads: 2,
        forwardFlops: 1e9,
        trainImagesPerSecond: 10,
        inferenceImagesPerSecond: 60,
      },
      {
        model: 'm',
        backend: 'pytorch',
        framework: 'pytorch',
        status: 'ok',
        threads: 2,
        trainImagesPerSecond: 5,
        inferenceImagesPerSecond: 30,
      },
      {
        model: 'm',
        backend: 'pytorch',
        framework: 'pytorch',
        status: 'ok',
        threads: 1,
        trainImagesPerSecond: 3,
        inferenceImagesPerSecond: 20,
      },
    ];
    const [two, one] = limitLines(
      rows,
      new Map([
        [2, 120e9],
        [1, 60e9],
      ]),
    ).reverse();
    // 120 GFLOP/s over 3 GFLOP a training image: 40 images/s; over 1 GFLOP: 120 inferences.
    assert.match(two ?? '', /2 threads: .* at most 40 training \/ 120 inference images\/s/);
    assert.match(two ?? '', /native 10 \(25\.0%\) \/ 60 \(50\.0%\); pytorch 5.0 \(12\.5%\) \/ 30 \(25\.0%\)/);
    assert.match(one ?? '', /1 thread: .*pytorch 3.0 \(15\.0%\)/);
  });
});
