// The source models a study's runs share. Every run of a study pretrains on the same source task,
// and all the runs of one seed would pretrain exactly the same model (the source phase reads
// nothing of the target task). The first run to finish a source phase keeps its model in the
// study folder, source-models/KEY/; a later run whose source phase would be the same loads it.
// KEY is a hash of everything the source phase depends on: the source data as trained on (its
// fingerprint, not its path), the model, the source and training settings, the seed and the
// backend (whose numerics differ slightly). Entries are written whole or not at all, and one that
// cannot be read is only a miss: the run pretrains again and says why.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Experiment } from '../../shared/experiment/schema';
import { replaceFolderAtomically, writeFileDurably } from '../../shared/host/atomicFiles';
import { errorMessage } from '../../shared/errors/errorMessage';
import type { BackendName } from '../../shared/run/events';
import { loadModel, saveModel } from '../models/modelFiles';
import type { ModelMetadata } from '../models/modelFiles';
import { listWeights, nonFiniteWeights } from '../training/finiteWeights';

/** The study folder's subfolder that holds the shared source models. */
export const SOURCE_MODELS_FOLDER = 'source-models';

/** Bump when the source phase trains differently for the same key (so that old entries are missed). */
const SOURCE_CACHE_VERSION = 1;

const ENTRY_FILE = 'entry.json';
const MODEL_FOLDER = 'model';

const cacheEntrySchema = z.object({
  format: z.literal('medtransfer-source-model/1'),
  key: z.string(),
  /** The run's shared random stream after its source phase: a run that reuses the model goes on from there. */
  randomAfterSource: z.number().int().nonnegative(),
  /** What the model is (`pretrained on fashion-mnist (idx) for 2 epochs`). */
  provenance: z.string(),
  classes: z.array(z.string()),
  epochsRun: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  madeBy: z.object({ runId: z.string(), runDir: z.string() }),
  savedAt: z.string(),
});
export type SourceCacheEntry = z.infer<typeof cacheEntrySchema>;

/** Where the entry of one source phase lives. */
export interface SourceCacheSlot {
  key: string;
  dir: string;
}

export interface SourcePhaseIdentity {
  experiment: Experiment;
  backend: BackendName;
  epochs: number;
  learningRate: number;
  /** trainingFingerprint of the prepared source dataset. */
  dataFingerprint: string;
}

/** The slot of this source phase in the study folder `studyDir`. */
export function sourceCacheSlot(studyDir: string, identity: SourcePhaseIdentity): SourceCacheSlot {
  const { experiment } = identity;
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      version: SOURCE_CACHE_VERSION,
      backend: identity.backend,
      seed: experiment.seed,
      model: experiment.model,
      source: experiment.source,
      training: experiment.training,
      epochs: identity.epochs,
      learningRate: identity.learningRate,
      data: identity.dataFingerprint,
    }),
  );
  const key = hash.digest('hex').slice(0, 32);
  return { key, dir: join(studyDir, SOURCE_MODELS_FOLDER, key) };
}

export type CacheLookup =
  { kind: 'hit'; entry: SourceCacheEntry; model: LayersModel } | { kind: 'miss' } | { kind: 'unusable'; why: string };

/** The slot's entry and its model, if there is a sound one. */
export async function readSourceCache(slot: SourceCacheSlot): Promise<CacheLookup> {
  const entryFile = join(slot.dir, ENTRY_FILE);
  if (!existsSync(entryFile)) return { kind: 'miss' };
  let entry: SourceCacheEntry;
  try {
    const parsed = cacheEntrySchema.safeParse(JSON.parse(readFileSync(entryFile, 'utf8')));
    if (!parsed.success)
      return { kind: 'unusable', why: `${entryFile} is not a source-model entry this version reads` };
    entry = parsed.data;
  } catch (error) {
    return { kind: 'unusable', why: `${entryFile} cannot be read: ${errorMessage(error)}` };
  }
  if (entry.key !== slot.key) return { kind: 'unusable', why: `${entryFile} is the entry of another key` };
  let model: LayersModel;
  try {
    model = await loadModel(join(slot.dir, MODEL_FOLDER));
  } catch (error) {
    return { kind: 'unusable', why: `its model cannot be loaded: ${errorMessage(error)}` };
  }
  const nonFinite = nonFiniteWeights(model);
  if (nonFinite.length > 0) {
    model.dispose();
    return { kind: 'unusable', why: `its weights ${listWeights(nonFinite)} hold NaN or infinite values` };
  }
  return { kind: 'hit', entry, model };
}

/** Keeps a finished source phase's classifier for the study's other runs (replacing any entry of the slot). */
export async function writeSourceCache(
  slot: SourceCacheSlot,
  classifier: LayersModel,
  metadata: ModelMetadata,
  entry: Omit<SourceCacheEntry, 'format' | 'key' | 'savedAt'>,
): Promise<void> {
  const whole: SourceCacheEntry = {
    format: 'medtransfer-source-model/1',
    key: slot.key,
    savedAt: new Date().toISOString(),
    ...entry,
  };
  await replaceFolderAtomically(slot.dir, async (folder) => {
    await saveModel(classifier, join(folder, MODEL_FOLDER), metadata);
    writeFileDurably(join(folder, ENTRY_FILE), `${JSON.stringify(whole, null, 2)}\n`);
  });
}
