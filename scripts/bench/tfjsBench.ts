// Times one model on one tfjs backend through the trainer's own code: the backend as
// selectBackend starts it, the classifier from buildClassifier, batches from BatchIterator, the
// training step as trainStep runs it (src/trainer/training/trainStep.ts), Adam from createOptimizer and
// inference through predictProbabilities. Meant to run in a child process of main.ts, one per
// model and backend, so that the memory peak is this row's alone.
import { availableParallelism } from 'node:os';
import { memory, profile } from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../src/shared/run/events';
import { selectBackend } from '../../src/trainer/backend/selectBackend';
import type { ImageSet } from '../../src/trainer/data/dataset';
import { floatStore } from '../../src/trainer/data/imageStore';
import { countParams } from '../../src/trainer/models/blocks';
import { buildClassifier } from '../../src/trainer/models/classifier';
import { SeededRandom } from '../../src/trainer/random';
import { BatchIterator } from '../../src/trainer/training/batches';
import { createOptimizer } from '../../src/trainer/training/optimizers';
import { predictProbabilities } from '../../src/trainer/training/predict';
import { forwardFlopsPerImage } from './flops';
import { profileKernels } from './kernelProfile';
import { fitEpoch } from './models';
import type { BenchModel, Protocol } from './models';
import type { BenchRow } from './results';
import { median } from './stats';
import { enableThreadedWasm } from './threadedWasm';
import { trainStep } from '../../src/trainer/training/trainStep';
import type { StepContext } from '../../src/trainer/training/trainStep';
import { errorMessage } from '../../src/shared/errors/errorMessage';

export interface TfjsBenchRequest {
  model: BenchModel;
  backend: BackendName;
  protocol: Protocol;
  /** Also time each kernel of a few steps (adds a few seconds). */
  profile: boolean;
  /** wasm only: the threaded XNNPACK build on every core (threadedWasm.ts, an experiment). */
  wasmThreads?: boolean;
}

/** The row label of the threaded-wasm experiment. */
export const WASM_THREADS_LABEL = 'wasm-threads (experiment)';

/** Random images in [0, 1) and labels, as a loader would hand them over. */
export function syntheticSet(model: BenchModel, count: number, classCount: number, seed: number): ImageSet {
  const random = new SeededRandom(seed);
  const [height, width, channels] = model.inputShape;
  const images = new Float32Array(count * height * width * channels);
  for (let i = 0; i < images.length; i++) images[i] = random.next();
  const labels = Int32Array.from({ length: count }, () => random.integer(classCount));
  return { images: floatStore(images, count, model.inputShape), labels, count, shape: model.inputShape };
}

function threadsOf(backend: BackendName): number {
  if (backend === 'wasm') {
    try {
      return getThreadsCount();
    } catch {
      return 1;
    }
  }
  if (backend === 'cpu') return 1;
  return availableParallelism();
}

export async function runTfjsBench(request: TfjsBenchRequest): Promise<BenchRow> {
  const { model, backend, protocol } = request;
  const threaded = request.wasmThreads === true && backend === 'wasm';
  const row: BenchRow = {
    model: model.id,
    backend: threaded ? WASM_THREADS_LABEL : backend,
    framework: 'tfjs',
    status: 'ok',
  };
  const log: string[] = [];
  try {
    const experiment = threaded ? enableThreadedWasm() : null;
    if (threaded) setThreadsCount(availableParallelism());
    const selected = await selectBackend(backend, { log: (line) => log.push(line) });
    experiment?.started();
    row.notes = selected.notes;
  } catch (error) {
    return { ...row, status: 'unavailable', error: errorMessage(error) };
  }
  row.threads = threadsOf(backend);

  const { model: classifier } = buildClassifier(
    model.architecture,
    model.inputShape,
    protocol.classCount,
    protocol.dropout,
    new SeededRandom(1),
  );
  row.parameters = countParams(classifier.weights);
  row.forwardFlops = forwardFlopsPerImage(classifier);
  const context: StepContext = {
    model: classifier,
    shape: model.inputShape,
    variables: classifier.trainableWeights.map((weight) => weight.read() as Variable),
    classCount: protocol.classCount,
    classWeights: null,
    optimizer: createOptimizer('adam', protocol.learningRate),
    ...(backend === 'wasm' && model.wasmMicroBatchSize !== undefined
      ? { microBatchSize: model.wasmMicroBatchSize }
      : {}),
  };
  // Said in the row's label, as the table shows it: not the same step as the full batch at once.
  if (context.microBatchSize !== undefined) row.backend = `${backend} (micro-batches of ${context.microBatchSize})`;
  const random = new SeededRandom(3);
  const fullSet = syntheticSet(model, protocol.imagesPerEpoch, protocol.classCount, 2);

  // The first step builds the optimizer's slots and the backend's kernels: time it apart, and
  // let it size the epochs for slow backends.
  const probe = new BatchIterator(fullSet, protocol.batchSize).epoch(random).next();
  if (probe.done) throw new Error('empty synthetic set');
  const firstStarted = performance.now();
  trainStep(context, probe.value);
  const firstSeconds = (performance.now() - firstStarted) / 1000;
  // The second step sizes the epochs and gives the tensor memory peak (tf.profile's peakBytes:
  // the most bytes tensors held at once during the step, intermediates included).
  const secondStarted = performance.now();
  const second = await profile(() => {
    trainStep(context, probe.value);
  });
  row.peakTensorBytes = second.peakBytes;
  const fitted = fitEpoch(protocol, (performance.now() - secondStarted) / 1000);
  row.protocol = fitted;
  const set: ImageSet = fitted.reduced
    ? {
        ...fullSet,
        images: fullSet.images.select(Array.from({ length: fitted.imagesPerEpoch }, (_, index) => index)),
        labels: fullSet.labels.subarray(0, fitted.imagesPerEpoch),
        count: fitted.imagesPerEpoch,
      }
    : fullSet;
  const iterator = new BatchIterator(set, protocol.batchSize);

  // An epoch as trainPhase runs it, without validation and events: batches, steps.
  const epoch = (): number => {
    const started = performance.now();
    let seen = 0;
    for (const batch of iterator.epoch(random)) {
      const step = trainStep(context, batch);
      if (!Number.isFinite(step.loss)) throw new Error(`non-finite loss on ${backend}`);
      seen += batch.count;
    }
    return seen / ((performance.now() - started) / 1000);
  };
  for (let i = 0; i < fitted.warmupEpochs; i++) epoch();
  const tensorsBefore = memory().numTensors;
  row.trainEpochRates = [];
  for (let i = 0; i < fitted.timedEpochs; i++) row.trainEpochRates.push(epoch());
  row.leakedTensorsPerEpoch = (memory().numTensors - tensorsBefore) / fitted.timedEpochs;
  row.trainImagesPerSecond = median(row.trainEpochRates);

  // Kernel self times on the synchronous backends (not worth it on a reduced, slow row); native's
  // kernels are registered on wasm.
  const batchForProfile = iterator.epoch(random).next();
  const synchronous = backend === 'wasm' || backend === 'cpu' || backend === 'native';
  if (request.profile && !fitted.reduced && !batchForProfile.done && synchronous) {
    const batch = batchForProfile.value;
    row.profile = profileKernels(backend === 'native' ? 'wasm' : backend, () => trainStep(context, batch), 5);
  }

  // Inference as validation runs it; a slow backend gets as many timed passes as half the budget holds.
  const pass = (): number => {
    const started = performance.now();
    predictProbabilities(classifier, set, protocol.inferenceBatchSize);
    return (performance.now() - started) / 1000;
  };
  let warmupSeconds = 0;
  for (let i = 0; i < protocol.inferenceWarmup; i++) warmupSeconds = pass();
  const passes = Math.max(
    1,
    Math.min(protocol.inferenceTimed, Math.floor(protocol.budgetSeconds / 2 / Math.max(warmupSeconds, 1e-6))),
  );
  const inferenceRates = Array.from({ length: passes }, () => set.count / pass());
  row.inferenceImagesPerSecond = median(inferenceRates);
  const usage = process.resourceUsage();
  row.peakRssBytes = usage.maxRSS * 1024;
  row.cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  row.notes = [...(row.notes ?? []), `first step ${firstSeconds.toFixed(2)} s`];
  return row;
}
