// How a run of a study shares its source phase with the study's other runs (sourceModelCache.ts
// keeps the entries). A run that finds the source model it would train takes its weights and puts
// the run's shared random stream where that source phase left it, so every later phase trains
// exactly as if this run had pretrained it itself. A resumed run never shares: its checkpoint
// already decides what its source phase is.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { errorMessage } from '../../shared/errors/errorMessage';
import type { PreparedDataset } from '../data/dataset';
import { trainingFingerprint } from '../data/datasetFingerprint';
import { modelMetadata } from './finalModels';
import type { RunContext } from './runContext';
import { sourceLoadEnded, sourceLoadStarted } from './sourceLoadEvents';
import { readSourceCache, sourceCacheSlot, writeSourceCache } from './sourceModelCache';
import type { SourceCacheEntry, SourceCacheSlot } from './sourceModelCache';

/** The slot of this run's source phase in its study's folder; null for a run outside a study, or a resumed one. */
export function sharedSourceSlot(
  context: RunContext,
  source: PreparedDataset,
  learningRate: number,
): SourceCacheSlot | null {
  const { study, backend } = context.request;
  if (!study || context.checkpoints.resuming) return null;
  return sourceCacheSlot(study.studyDir, {
    experiment: context.experiment,
    backend,
    epochs: context.plan.sourceEpochs,
    learningRate,
    dataFingerprint: trainingFingerprint(source),
  });
}

/**
 * Loads the slot's classifier into `classifier` (built as pretraining would build it) and emits the
 * source phase as a reuse; returns the model's provenance, or null when the run must pretrain.
 */
export async function reuseSharedSource(
  slot: SourceCacheSlot,
  classifier: LayersModel,
  context: RunContext,
): Promise<string | null> {
  const { events, environment } = context;
  const started = performance.now();
  const lookup = await readSourceCache(slot);
  if (lookup.kind === 'miss') return null;
  if (lookup.kind === 'unusable') {
    events.log(
      'warn',
      `source: the study's shared source model in ${slot.dir} is not used (${lookup.why}): pretraining`,
    );
    return null;
  }
  const { entry, model } = lookup;
  try {
    classifier.setWeights(model.getWeights());
  } catch (error) {
    events.log('warn', `source: the study's shared source model in ${slot.dir} does not fit (${errorMessage(error)})`);
    return null;
  } finally {
    model.dispose();
  }
  environment.random.restore(entry.randomAfterSource);
  context.checkpoints.phaseEnded('source', environment.random);
  events.emit(
    sourceLoadStarted(
      `reuse the source model run ${entry.madeBy.runId} of this study pretrained (same data, settings and seed)`,
    ),
  );
  events.log(
    'info',
    `source: ${entry.provenance} by run ${entry.madeBy.runId} in ${Math.round(entry.seconds)} s, ` +
      `reused from ${slot.dir}: the same source data, model, settings, seed and backend train the same model`,
  );
  events.emit(sourceLoadEnded(started));
  return `${entry.provenance} (by run ${entry.madeBy.runId} of the study, reused)`;
}

/** Keeps a source phase that ran to its end for the study's other runs; a failure to keep it only costs them time. */
export async function shareSource(
  slot: SourceCacheSlot,
  classifier: LayersModel,
  context: RunContext,
  trained: Pick<SourceCacheEntry, 'provenance' | 'classes' | 'epochsRun' | 'seconds'>,
): Promise<void> {
  const { request, events, environment } = context;
  if (environment.stop.requested || trained.epochsRun < context.plan.sourceEpochs) return;
  const identity = { experiment: context.experiment, runId: request.runId, runDir: request.runDir };
  try {
    await writeSourceCache(
      slot,
      classifier,
      modelMetadata(
        { model: classifier, folder: '', weightsSource: trained.provenance, classes: trained.classes },
        identity,
        trained.classes,
      ),
      {
        ...trained,
        randomAfterSource: environment.random.snapshot(),
        madeBy: { runId: request.runId, runDir: request.runDir },
      },
    );
    events.log('info', `source: model kept in ${slot.dir} for the study's runs with the same source phase`);
  } catch (error) {
    events.log('warn', `source: the model could not be kept for the study's other runs (${errorMessage(error)})`);
  }
}
