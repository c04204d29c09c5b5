// What a weight file is, without converting its tensors: the format, the tensors' count and
// parameters, the architecture it seems to hold and its classifier head. PyTorch files are read
// up to their pickle (a zip's data.pkl, a legacy file's object pickle); HDF5 files by their
// groups, attributes and dataset shapes; safetensors files by their JSON header. For `medtransfer
// inspect-weights` and the editor's hover.
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { guessArchitecture } from './guessArchitecture';
import type { ArchitectureGuess, NamedShape } from './guessArchitecture';
import { listKerasH5 } from './kerasH5';
import { isPytorchFile, parsePytorchFile } from './pytorchFile';
import { WeightFileError, elementCount } from './tensorMap';
import type { WeightFileFormat } from './tensorMap';

export interface WeightFileDescription {
  file: string;
  format: WeightFileFormat;
  /** A phrase on how the file holds its tensors: "state dict (zip)", "whole module torchvision.models.resnet.ResNet (zip)"… */
  holder: string;
  tensorCount: number;
  /** Elements of every tensor but batch-norm statistics and counters (what numel() over parameters() counts). */
  parameterCount: number;
  architecture: ArchitectureGuess;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function isStatistic(name: string): boolean {
  return /(running_mean|running_var|num_batches_tracked|moving_mean|moving_variance)$/.test(name);
}

async function firstBytes(path: string, count: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(count), 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Names and shapes from a safetensors file's header, read alone. */
async function listSafetensors(path: string, fileName: string, start: Uint8Array): Promise<NamedShape[]> {
  const length = Number(new DataView(start.buffer, start.byteOffset, 8).getBigUint64(0, true));
  const bytes = await firstBytes(path, 8 + length);
  if (bytes.length < 8 + length) throw new WeightFileError(`${fileName}: truncated inside its safetensors header`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8))) as Record<string, { shape?: unknown }>;
  return Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, entry]) => ({ name, shape: Array.isArray(entry.shape) ? entry.shape.map(Number) : [] }));
}

function looksLikeSafetensors(start: Uint8Array): boolean {
  if (start.length < 10) return false;
  const length = new DataView(start.buffer, start.byteOffset, 8).getBigUint64(0, true);
  return length > 1n && length < 100_000_000n && start[8] === 0x7b; // '{'
}

function describe(
  file: string,
  format: WeightFileFormat,
  holder: string,
  tensors: NamedShape[],
): WeightFileDescription {
  const parameterCount = tensors
    .filter((tensor) => !isStatistic(tensor.name))
    .reduce((sum, tensor) => sum + elementCount(tensor.shape), 0);
  return {
    file,
    format,
    holder,
    tensorCount: tensors.length,
    parameterCount,
    architecture: guessArchitecture(tensors),
  };
}

export async function describeWeightFile(path: string): Promise<WeightFileDescription> {
  const fileName = basename(path);
  const start = await firstBytes(path, 16);
  if (HDF5_SIGNATURE.every((byte, index) => start[index] === byte)) {
    const listed = await listKerasH5(path);
    const holder = `Keras ${listed.kerasVersion ?? '2'} ${listed.kind === 'full-model' ? 'full model' : 'weights only'}`;
    return describe(path, 'keras-h5', holder, listed.tensors);
  }
  if (isPytorchFile(start)) {
    const contents = parsePytorchFile(await readFile(path), fileName, false);
    const { container, module } = contents.metadata;
    const holder = module !== undefined ? `whole module ${module} (${container})` : `state dict (${container})`;
    const tensors = [...contents.found.tensors].map(([name, tensor]) => ({ name, shape: tensor.shape }));
    return describe(path, contents.format, holder, tensors);
  }
  if (looksLikeSafetensors(start)) {
    return describe(path, 'safetensors', 'safetensors header', await listSafetensors(path, fileName, start));
  }
  throw new WeightFileError(
    `${fileName}: not a weight file MedTransfer reads (PyTorch .pth/.pt/.bin, .safetensors or Keras .h5)`,
  );
}
