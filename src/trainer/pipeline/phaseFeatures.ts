// Whether a phase trains on cached outputs of its frozen layers, said in one log line either way,
// and the cache when it does: with feature extraction, or frozen lower blocks, and no
// augmentation, each image goes through the frozen layers once instead of once an epoch.
import type { Augmentation } from '../../shared/experiment/schema';
import type { TrainingPhase } from '../../shared/run/events';
import { isIdentityAugmentation } from '../data/augment';
import type { PreparedDataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import type { EventStream } from '../run/eventStream';
import { cacheFrozenFeatures, featureBytes, featureStorage, removeFeatureFiles } from '../training/frozenFeatures';
import type { CachedFeatures } from '../training/frozenFeatures';
import { findFrozenSplit } from '../training/frozenSplit';
import type { FrozenSplit } from '../training/frozenSplit';
import type { StopSignal } from '../training/stopSignal';

export interface PhaseFeatureRequest {
  phase: TrainingPhase;
  classifier: Classifier;
  data: PreparedDataset;
  batchSize: number;
  enabled: boolean;
  augmentation: Augmentation | undefined;
  runDir: string;
  events: EventStream;
  stop: StopSignal;
}

export async function phaseFeatureCache(request: PhaseFeatureRequest): Promise<CachedFeatures | null> {
  removeFeatureFiles(request.runDir);
  const split = notCachedBecause(request);
  if (typeof split === 'string') {
    request.events.log('info', `${request.phase}: frozen layers not cached: ${split}`);
    return null;
  }
  const { train, val } = request.data;
  const where = featureStorage(split, train.count + val.count);
  const kept = where === 'memory' ? 'in memory' : 'in files in the run folder';
  const megabytes = featureBytes(split, train.count + val.count) / (1024 * 1024);
  // Said before the pass over the images, which takes as long as an epoch without the cache.
  request.events.log(
    'info',
    `${request.phase}: frozen layers computed once: the ${split.frozenLayers} layers up to \`${split.lastFrozen}\` ` +
      `give ${split.featureShape.join('×')} values an image, kept for ${train.count} training and ${val.count} ` +
      `validation images (${megabytes.toFixed(1)} MB ${kept}); ` +
      'each epoch runs only the layers after them',
  );
  return cacheFrozenFeatures({
    split,
    train,
    val,
    batchSize: request.batchSize,
    folder: request.runDir,
    stop: request.stop,
    where,
  });
}

/** The split to cache at, or why the phase trains on the images. */
function notCachedBecause(request: PhaseFeatureRequest): string | FrozenSplit {
  if (!request.enabled) return 'training.cacheFrozenFeatures is false';
  if (request.augmentation && !isIdentityAugmentation(request.augmentation))
    return 'augmentation changes the images every epoch';
  const decision = findFrozenSplit(request.classifier);
  return decision.kind === 'split' ? decision.split : decision.why;
}
