// What a weight file is, without converting its tensors: the format, the tensors' count and
// parameters, the architecture it seems to hold and its classifier head. PyTorch files are read
// up to their pickle (a zip's data.pkl, a legacy file's object pickle); HDF5 files by their
// groups, attributes and dataset shapes; safetensors files by their JSON header. For `medtransfer
// inspect-weights` and the editor's hover.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { guessArchitecture } from '../../shared/weights/guessArchitecture';
import type { NamedShape } from '../../shared/weights/guessArchitecture';
import { weightsPreprocessing } from '../../shared/weights/weightFileDescription';
import type { WeightFileDescription, WeightFileFormat } from '../../shared/weights/weightFileDescription';
import { listKerasH5 } from './kerasH5';
import { parsePytorchFile } from './pytorchFile';
import { NOT_A_WEIGHT_FILE, firstBytes, weightFileKindOf } from './weightFileKind';
import { WeightFileError, elementCount } from './tensorMap';

function isStatistic(name: string): boolean {
  return /(running_mean|running_var|num_batches_tracked|moving_mean|moving_variance)$/.test(name);
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

function describe(
  file: string,
  format: WeightFileFormat,
  holder: string,
  tensors: NamedShape[],
  extra: { fullModel?: boolean; module?: string } = {},
): WeightFileDescription {
  const parameterCount = tensors
    .filter((tensor) => !isStatistic(tensor.name))
    .reduce((sum, tensor) => sum + elementCount(tensor.shape), 0);
  return {
    file,
    format,
    holder,
    fullModel: extra.fullModel ?? false,
    tensorCount: tensors.length,
    parameterCount,
    architecture: guessArchitecture(tensors),
    preprocessing: weightsPreprocessing(format, extra.module),
  };
}

export async function describeWeightFile(path: string): Promise<WeightFileDescription> {
  const fileName = basename(path);
  const start = await firstBytes(path, 16);
  const kind = weightFileKindOf(start);
  if (kind === 'hdf5') {
    const listed = await listKerasH5(path);
    const holder = `Keras ${listed.kerasVersion ?? '2'} ${listed.kind === 'full-model' ? 'full model' : 'weights only'}`;
    return describe(path, 'keras-h5', holder, listed.tensors, { fullModel: listed.kind === 'full-model' });
  }
  if (kind === 'pytorch') {
    const contents = parsePytorchFile(await readFile(path), fileName, false);
    const { container, module } = contents.metadata;
    const holder = module !== undefined ? `whole module ${module} (${container})` : `state dict (${container})`;
    const tensors = [...contents.found.tensors].map(([name, tensor]) => ({ name, shape: tensor.shape }));
    return describe(path, contents.format, holder, tensors, module !== undefined ? { module } : {});
  }
  if (kind === 'safetensors') {
    return describe(path, 'safetensors', 'safetensors header', await listSafetensors(path, fileName, start));
  }
  throw new WeightFileError(`${fileName}: ${NOT_A_WEIGHT_FILE}`);
}
