import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineBreakdown } from '../../../../scripts/bench/pipelineBreakdown';
import type { BenchRow } from '../../../../scripts/bench/results';
import {
  formatMiB,
  formatRate,
  formatRatio,
  markdownTable,
  pipelineTable,
  problemLines,
  resultsTable,
} from '../../../../scripts/bench/table';

describe('number formats', () => {
  it('rounds rates, with a decimal only for very slow backends', () => {
    assert.equal(formatRate(1234.6), '1,235');
    assert.equal(formatRate(1.66), '1.7');
    assert.equal(formatRate(undefined), '–');
  });

  it('shows ratios with two significant decimals and memory in MiB', () => {
    assert.equal(formatRatio(0.3246), '0.32×');
    assert.equal(formatRatio(0.0612), '0.061×');
    assert.equal(formatRatio(null), '–');
    assert.equal(formatMiB(300 * 1024 * 1024), '300');
  });
});

describe('markdownTable', () => {
  it('pads columns and right-aligns the numeric ones', () => {
    const table = markdownTable(
      ['model', 'img/s'],
      [
        ['a', '5'],
        ['long name', '1,000'],
      ],
      new Set([1]),
    );
    assert.equal(
      table,
      ['| model     | img/s |', '| --------- | ----: |', '| a         |     5 |', '| long name | 1,000 |'].join('\n'),
    );
  });
});

describe('resultsTable', () => {
  const rows: BenchRow[] = [
    {
      model: 'seed-cnn-28x28x1',
      backend: 'wasm',
      framework: 'tfjs',
      status: 'ok',
      threads: 1,
      trainImagesPerSecond: 1100,
      inferenceImagesPerSecond: 6000,
      peakRssBytes: 200 * 2 ** 20,
      peakTensorBytes: 50 * 2 ** 20,
    },
    {
      model: 'seed-cnn-28x28x1',
      backend: 'pytorch',
      framework: 'pytorch',
      status: 'ok',
      threads: 1,
      trainImagesPerSecond: 2200,
      inferenceImagesPerSecond: 5000,
      peakRssBytes: 300 * 2 ** 20,
    },
    {
      model: 'seed-cnn-28x28x1',
      backend: 'cpu',
      framework: 'tfjs',
      status: 'ok',
      threads: 1,
      trainImagesPerSecond: 1.7,
      protocol: { imagesPerEpoch: 64, warmupEpochs: 0, timedEpochs: 2, reduced: true },
    },
  ];

  it('puts ours/PyTorch on the tfjs rows only', () => {
    const lines = resultsTable(rows).split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[2] ?? '', /\| wasm +\| +1 \| +1,100 \| +6,000 \| +200 \| +50 \| +0\.50× \| +1\.20× \|$/);
    assert.match(lines[3] ?? '', /\| pytorch \| +1 \| +2,200 \| +5,000 \| +300 \| +– \| +\| +\|$/);
  });

  it('marks a row timed on fewer images and explains it below', () => {
    assert.match(resultsTable(rows), /\| cpu\* +\|/);
    assert.match(problemLines(rows).join('\n'), /cpu \(64 images × 2 epochs\)/);
  });

  it('lists what could not be measured, with the reason', () => {
    const lines = problemLines([
      { model: 'all', backend: 'webgpu', framework: 'tfjs', status: 'unavailable', error: 'not installed' },
    ]);
    assert.deepEqual(lines, ['- all on webgpu: unavailable: not installed']);
  });
});

describe('pipelineTable', () => {
  it('lists the parts largest first, with shares and a total', () => {
    const pipeline: PipelineBreakdown = {
      experiment: 'x.yaml',
      changes: [],
      backend: 'wasm',
      totalSeconds: 10,
      outsideTrainingComputeShare: 0.3,
      outsideModelComputeShare: 0.1,
      phases: [],
      dataNotes: [],
      parts: [
        { name: 'data', seconds: 1, share: 0.1, how: 'timed' },
        { name: 'model', seconds: 9, share: 0.9, how: 'timed' },
      ],
    };
    const lines = pipelineTable(pipeline).split('\n');
    assert.match(lines[2] ?? '', /^\| model +\| +9\.00 \| +90\.0% \| timed/);
    assert.match(lines[4] ?? '', /^\| total +\| +10\.00 \| +100% \|/);
  });
});

describe('noisy rows', () => {
  it('marks a row that others shared the machine with, and says how much', () => {
    const rows: BenchRow[] = [
      {
        model: 'm',
        backend: 'wasm',
        framework: 'tfjs',
        status: 'ok',
        threads: 1,
        trainImagesPerSecond: 100,
        otherLoad: 0.35,
      },
    ];
    assert.match(resultsTable(rows), /\| wasm† +\|/);
    assert.deepEqual(problemLines(rows), [
      '- † other processes used more than 10.0% of the machine during: m on wasm (35.0%)',
    ]);
  });
});
