// Writes and reads <runDir>/checkpoint/ (state.json + weights.bin). A new checkpoint is written
// whole into a temporary folder, then swapped in by renames (shared/host/atomicFiles.ts): the one
// before it moves to checkpoint.previous, so a crash at any moment leaves at least one complete
// checkpoint, and a checkpoint that does not load (a torn disk write, a bad edit) falls back to
// the previous one.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { io } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { replaceFolderAtomically, writeFileDurably } from '../../shared/host/atomicFiles';
import { RUN_FILES } from '../../shared/run/runFiles';
import { CHECKPOINT_FORMAT, MODEL_ROLES, checkpointStateSchema } from './checkpointFormat';
import type { Checkpoint, CheckpointState, ModelRole, NamedTensor } from './checkpointFormat';
import { errorMessage } from '../../shared/errors/errorMessage';

const STATE_JSON = 'state.json';
const WEIGHTS_BIN = 'weights.bin';
export const PREVIOUS_CHECKPOINT = `${RUN_FILES.checkpoint}.previous`;

/** Writes `checkpoint` as the run's newest; the one it replaces is kept as checkpoint.previous. */
export async function writeCheckpoint(runDir: string, checkpoint: Checkpoint): Promise<void> {
  const named: NamedTensor[] = [];
  const groups: CheckpointState['groups'] = [];
  const addGroup = (name: string, tensors: Tensor[], names?: string[]) => {
    groups.push({ name, count: tensors.length, ...(names ? { names } : {}) });
    tensors.forEach((tensor, index) => named.push({ name: `${name}/${index}`, tensor }));
  };
  for (const role of MODEL_ROLES) {
    const weights = checkpoint.models[role];
    if (weights) addGroup(`model:${role}`, weights);
  }
  if (checkpoint.bestWeights) addGroup('best', checkpoint.bestWeights);
  addGroup(
    'optimizer',
    checkpoint.optimizer.weights.map((weight) => weight.tensor),
    checkpoint.optimizer.weights.map((weight) => weight.name),
  );
  const { data, specs } = await io.encodeWeights(named);
  const state: CheckpointState = {
    format: CHECKPOINT_FORMAT,
    runId: checkpoint.runId,
    experimentName: checkpoint.experimentName,
    savedAt: new Date().toISOString(),
    phase: checkpoint.phase,
    epoch: checkpoint.epoch,
    epochs: checkpoint.epochs,
    random: checkpoint.random,
    earlyStopping: checkpoint.earlyStopping,
    batchOrder: checkpoint.batchOrder,
    optimizerBetaPowers: checkpoint.optimizer.betaPowers,
    groups,
    weightSpecs: specs.map((spec) => ({
      name: spec.name,
      shape: spec.shape,
      dtype: spec.dtype as 'float32' | 'int32' | 'bool',
    })),
  };
  await replaceFolderAtomically(
    join(runDir, RUN_FILES.checkpoint),
    (folder) => {
      writeFileDurably(join(folder, WEIGHTS_BIN), new Uint8Array(data));
      writeFileDurably(join(folder, STATE_JSON), `${JSON.stringify(state)}\n`);
    },
    { keepReplacedAs: PREVIOUS_CHECKPOINT },
  );
}

/** Where a run's checkpoints are: the newest, then the one before it. */
export function checkpointFolders(runDir: string): [newest: string, previous: string] {
  return [join(runDir, RUN_FILES.checkpoint), join(runDir, PREVIOUS_CHECKPOINT)];
}

/** Whether the run has a checkpoint folder at all (whether it loads, readCheckpoint says). */
export function hasCheckpointFolder(runDir: string): boolean {
  return checkpointFolders(runDir).some((folder) => existsSync(folder));
}

export type LoadedCheckpoint =
  | { kind: 'none' }
  | { kind: 'loaded'; checkpoint: Checkpoint; folder: string; skipped: string[] }
  | { kind: 'unreadable'; reasons: string[] };

/**
 * The newest checkpoint that loads, falling back to checkpoint.previous. Tensors are created on
 * the current backend: call after the backend is set.
 */
export function readCheckpoint(runDir: string): LoadedCheckpoint {
  const reasons: string[] = [];
  let found = false;
  for (const path of checkpointFolders(runDir)) {
    if (!existsSync(path)) continue;
    found = true;
    try {
      return { kind: 'loaded', checkpoint: readCheckpointFolder(path), folder: path, skipped: [...reasons] };
    } catch (error) {
      reasons.push(`${path}: ${errorMessage(error)}`);
    }
  }
  return found ? { kind: 'unreadable', reasons } : { kind: 'none' };
}

function readCheckpointFolder(path: string): Checkpoint {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(path, STATE_JSON), 'utf8'));
  } catch (error) {
    throw new Error(`${STATE_JSON} is missing or not JSON (${errorMessage(error)})`);
  }
  const parsed = checkpointStateSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      (
        `${STATE_JSON} is not a MedTransfer checkpoint: ` +
        `${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`
      ).trim(),
    );
  const state = parsed.data;
  const bytes = readFileSync(join(path, WEIGHTS_BIN));
  const expected = state.weightSpecs.reduce(
    (total, spec) => total + spec.shape.reduce((product, size) => product * size, 1) * (spec.dtype === 'bool' ? 1 : 4),
    0,
  );
  if (bytes.byteLength !== expected)
    throw new Error(
      `${WEIGHTS_BIN} has ${bytes.byteLength} bytes, state.json describes ${expected} (a write was cut short)`,
    );
  const counted = state.groups.reduce((total, group) => total + group.count, 0);
  if (counted !== state.weightSpecs.length)
    throw new Error(`${STATE_JSON} lists ${counted} tensors in groups but ${state.weightSpecs.length} weight specs`);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  checkFinite(buffer, state.weightSpecs);
  const tensors = io.decodeWeights(buffer, state.weightSpecs);
  const group = (name: string): Tensor[] | null => {
    const entry = state.groups.find((candidate) => candidate.name === name);
    if (!entry) return null;
    return Array.from({ length: entry.count }, (_, index) => {
      const tensor = tensors[`${name}/${index}`];
      if (!tensor) throw new Error(`weights.bin has no tensor ${name}/${index}`);
      return tensor;
    });
  };
  const models: Partial<Record<ModelRole, Tensor[]>> = {};
  for (const role of MODEL_ROLES) {
    const weights = group(`model:${role}`);
    if (weights) models[role] = weights;
  }
  const optimizerNames = state.groups.find((candidate) => candidate.name === 'optimizer')?.names ?? [];
  const optimizerTensors = group('optimizer') ?? [];
  return {
    runId: state.runId,
    experimentName: state.experimentName,
    phase: state.phase,
    epoch: state.epoch,
    epochs: state.epochs,
    random: state.random,
    earlyStopping: state.earlyStopping,
    batchOrder: state.batchOrder,
    models,
    bestWeights: group('best'),
    optimizer: {
      weights: optimizerTensors.map((tensor, index) => ({ name: optimizerNames[index] ?? `slot${index}`, tensor })),
      betaPowers: state.optimizerBetaPowers,
    },
  };
}

/**
 * Checkpoints are written from finite weights only (training stops first), so a NaN or infinite
 * value means damage on disk: such a checkpoint does not load, and the previous one is used.
 */
function checkFinite(buffer: ArrayBuffer, specs: CheckpointState['weightSpecs']): void {
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((product, length) => product * length, 1);
    if (spec.dtype === 'float32') {
      // Bool tensors (1 byte each) before it can leave the offset unaligned for a Float32Array view.
      const values =
        offset % 4 === 0
          ? new Float32Array(buffer, offset, size)
          : new Float32Array(buffer.slice(offset, offset + size * 4));
      for (const value of values)
        if (value - value !== 0) throw new Error(`${WEIGHTS_BIN} holds ${value} in ${spec.name} (damaged)`);
    }
    offset += size * (spec.dtype === 'bool' ? 1 : 4);
  }
}

/** A completed run needs no checkpoint: both are removed. */
export function removeCheckpoints(runDir: string): void {
  for (const folder of checkpointFolders(runDir)) rmSync(folder, { recursive: true, force: true });
}
