// The one mapping from what was thrown to why a run failed. The CLI tests provoke each kind for
// real (test/trainer/); this covers what cannot be provoked honestly: an unexpected exception,
// values that are not Errors, and each class on its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import { BackendError } from '../../../../src/trainer/backend/backendError';
import { DatasetError } from '../../../../src/trainer/data/dataset';
import { DicomPixelError } from '../../../../src/trainer/data/dicom/pixelData';
import { ExperimentError } from '../../../../src/trainer/experiment/experimentError';
import { errorKindOf } from '../../../../src/trainer/pipeline/errorKindOf';
import { positiveClassIndex, targetClassNames } from '../../../../src/trainer/pipeline/classes';
import { OutOfMemoryError, explainOutOfMemory } from '../../../../src/trainer/training/outOfMemory';
import { StopRequested } from '../../../../src/trainer/training/stopSignal';
import { divergedLossError, nonFiniteLossError } from '../../../../src/trainer/training/trainPhase';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('it did not throw');
}

const EXPERIMENT = `name: kinds
model: { architecture: seed-cnn, inputShape: [20, 20, 1] }
source: { dataset: { type: synthetic, task: source, samples: 100 }, epochs: 1 }
target: { dataset: { type: synthetic, task: target, samples: 100 }, classes: [normal, lesion] }
evaluation: { positiveClass: cat }
`;

describe('errorKindOf', () => {
  it('is null for a stop the user asked for: no failure', () => {
    assert.equal(errorKindOf(new StopRequested('SIGTERM')), null);
  });

  it('names each error class of the trainer by its kind', () => {
    assert.equal(errorKindOf(new DatasetError('truncated', 'x.npz')), 'data');
    assert.equal(errorKindOf(new DicomPixelError('no Pixel Data element')), 'data');
    assert.equal(errorKindOf(new ExperimentError('evaluation.positiveClass …')), 'experiment');
    assert.equal(errorKindOf(new BackendError("backend 'tensorflow' was asked for but is not available")), 'backend');
    const at = { phase: 'head', epoch: 1, learningRate: 10, range: [0, 1] as [number, number] } as const;
    assert.equal(errorKindOf(nonFiniteLossError({ ...at, batch: 2, loss: Number.NaN })), 'diverged');
    assert.equal(errorKindOf(divergedLossError({ ...at, loss: 12 })), 'diverged');
  });

  it('recognises running out of memory wrapped or as tfjs and V8 throw it', () => {
    const raw = new RangeError('Array buffer allocation failed');
    const context = { where: 'the run', batchSize: 64, imageShape: [128, 128, 1] } as const;
    assert.ok(explainOutOfMemory(raw, context) instanceof OutOfMemoryError);
    assert.equal(errorKindOf(explainOutOfMemory(raw, context)), 'out-of-memory');
    assert.equal(errorKindOf(raw), 'out-of-memory');
    assert.equal(errorKindOf(new Error('Aborted(OOM)')), 'out-of-memory');
  });

  it('takes the kind from the code that throws: class names that do not fit the experiment', () => {
    const parsed = parseExperiment(EXPERIMENT);
    assert.ok(parsed.ok, 'a valid experiment file');
    const positive = thrownBy(() => positiveClassIndex(parsed.experiment, ['normal', 'lesion']));
    assert.match(String(positive), /evaluation\.positiveClass `cat` is not one of the target classes/);
    assert.equal(errorKindOf(positive), 'experiment');
    assert.equal(errorKindOf(thrownBy(() => targetClassNames(parsed.experiment, ['a', 'b', 'c']))), 'experiment');
  });

  it('calls anything unanticipated internal: a TypeError, a thrown string or number', () => {
    const unexpected = thrownBy(() => (JSON.parse('null') as { shape: number[] }).shape.length);
    assert.ok(unexpected instanceof TypeError);
    assert.equal(errorKindOf(unexpected), 'internal');
    assert.equal(errorKindOf('something'), 'internal');
    assert.equal(errorKindOf(42), 'internal');
    assert.equal(errorKindOf(new Error('the checkpoint does not belong to this experiment')), 'internal');
  });
});
