import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cellIntensities,
  epochMatrices,
  epochSteps,
  matrixAtStep,
  matrixClassNames,
  matrixTotal,
  normalizeRows,
  rowTotals,
} from '../../../../webview/src/dashboard/confusionData';
import { epochRecord } from '../../../support/runRecords';

test('row totals, total and row shares', () => {
  const matrix = [
    [8, 2],
    [0, 0],
  ];
  assert.deepEqual(rowTotals(matrix), [10, 0]);
  assert.equal(matrixTotal(matrix), 10);
  assert.deepEqual(normalizeRows(matrix), [
    [0.8, 0.2],
    [null, null],
  ]);
});

test('intensities: row shares when normalised, else share of the largest count', () => {
  assert.deepEqual(
    cellIntensities(
      [
        [8, 2],
        [1, 3],
      ],
      true,
    ),
    [
      [0.8, 0.2],
      [0.25, 0.75],
    ],
  );
  assert.deepEqual(
    cellIntensities(
      [
        [8, 2],
        [0, 4],
      ],
      false,
    ),
    [
      [1, 0.25],
      [0, 0.5],
    ],
  );
  assert.deepEqual(
    cellIntensities(
      [
        [0, 0],
        [0, 0],
      ],
      false,
    ),
    [
      [0, 0],
      [0, 0],
    ],
  );
});

test('epoch matrices follow each model along its continued epoch axis', () => {
  const epochs = [
    epochRecord('source', 1, 1, { valConfusion: [[1]] }),
    epochRecord('head', 1, 2),
    epochRecord('head', 2, 2, { valConfusion: null }),
    epochRecord('finetune', 1, 1),
    epochRecord('scratch', 1, 2),
  ];
  const fineTuned = epochMatrices(epochs, 'fine-tuned');
  assert.deepEqual(
    fineTuned.map((matrix) => [matrix.step, matrix.phase, matrix.epoch]),
    [
      [1, 'head', 1],
      [3, 'finetune', 1],
    ],
  );
  assert.equal(epochSteps(epochs), 3);
  assert.equal(matrixAtStep(fineTuned, 2)?.step, 1, 'an epoch without a matrix shows the one before');
  assert.equal(
    matrixAtStep(epochMatrices(epochs, 'scratch'), 3)?.step,
    1,
    'a model that stopped earlier shows its last',
  );
  assert.equal(matrixAtStep(fineTuned, 0), null);
});

test('class names come from the target, with placeholders when they do not fit', () => {
  const target = {
    description: '',
    classes: ['a', 'b'],
    imageShape: [1, 1, 1] as [number, number, number],
    sizes: { train: [], val: [], test: [] },
  };
  assert.deepEqual(matrixClassNames({ target }, 3), ['a', 'b', 'class 3']);
  assert.deepEqual(matrixClassNames({ target: null }, 2), ['class 1', 'class 2']);
});
