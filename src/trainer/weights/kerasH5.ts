// Keras 2's HDF5 files (RadImageNet ships its backbones as these):
// - a full model (model.save): root attributes `model_config` (the topology as JSON),
//   `keras_version` and `backend`; the weights in the group `model_weights`;
// - weights only (model.save_weights): the same weight groups at the root.
// The weights' group lists its layers in the attribute `layer_names`, each layer group its
// weights in `weight_names` (`conv1_conv/kernel:0`), each weight a dataset at that path inside the
// layer's group. Keras splits an attribute over 64 KB into `layer_names0`, `layer_names1`…
// Tensors are named `layer/weight` (`conv1_conv/kernel`) and keep Keras' layout: convolution
// kernels [h, w, in, out], dense kernels [in, out]; metadata.layout says so.
import { basename } from 'node:path';
import { WeightFileError } from './tensorMap';
import type { TensorEntry, TensorMap } from './tensorMap';
import { openHdf5 } from './hdf5File';
import type { Hdf5File } from './hdf5File';

type Hdf5Group = ReturnType<Hdf5File['get']>;

/** The topology of a full model file, for tfjs-layers to build (a later step). */
export interface KerasModelConfig {
  class_name: string;
  config: Record<string, unknown>;
}

export interface KerasWeightFile {
  kind: 'full-model' | 'weights-only';
  /** Full model files only. */
  modelConfig: KerasModelConfig | null;
  kerasVersion: string | null;
  backend: string | null;
  /** Layers with weights, in the file's order, with their tensors' names in the map. */
  layers: Array<{ name: string; weights: string[] }>;
  tensors: TensorMap;
}

export interface KerasTensorShape {
  name: string;
  shape: number[];
  dtype: string;
}

export const KERAS_LAYOUT = 'keras: convolution kernels [h, w, in, out], dense kernels [in, out]';

interface Attributed {
  attrs: Record<string, { value: unknown }>;
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value) && value.length === 1) return textOf(value[0]);
  return null;
}

/** A list-of-strings attribute, joined from Keras' chunks when it was split. */
function stringList(holder: Attributed, name: string): string[] | null {
  const attrs = holder.attrs;
  const chunks = attrs[name] ? [attrs[name]] : [];
  for (let index = 0; !attrs[name] && attrs[`${name}${index}`]; index++) chunks.push(attrs[`${name}${index}`]!);
  if (chunks.length === 0) return null;
  // An empty list is written as an empty float64 array (layers without weights).
  const items = chunks.flatMap(({ value }): unknown[] =>
    Array.isArray(value) ? value : value instanceof Float64Array ? Array.from(value) : [value],
  );
  return items.map((item) => textOf(item) ?? String(item));
}

function parseModelConfig(fileName: string, text: string): KerasModelConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new WeightFileError(`${fileName}: its model_config attribute is not JSON: ${String(error)}`, {
      cause: error,
    });
  }
  const { class_name: className, config } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof className !== 'string' || config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new WeightFileError(`${fileName}: its model_config has no class_name and config`);
  }
  return { class_name: className, config: config as Record<string, unknown> };
}

function tensorName(layer: string, weight: string): string {
  const bare = weight.replace(/:\d+$/, '');
  return bare.startsWith(`${layer}/`) ? bare : `${layer}/${bare}`;
}

interface WeightDataset {
  layer: string;
  name: string;
  dataset: { shape: number[] | null; dtype: unknown; value: unknown };
}

function isGroup(entity: Hdf5Group): entity is Hdf5Group & Attributed & { get: (path: string) => Hdf5Group } {
  return entity !== null && (entity as { type?: unknown }).type === 'Group';
}

function isDataset(entity: Hdf5Group): entity is Hdf5Group & WeightDataset['dataset'] {
  return entity !== null && (entity as { type?: unknown }).type === 'Dataset';
}

interface Walked {
  kind: KerasWeightFile['kind'];
  modelConfig: KerasModelConfig | null;
  kerasVersion: string | null;
  backend: string | null;
  datasets: WeightDataset[];
}

function walk(file: Hdf5File, fileName: string): Walked {
  const root = file as unknown as Attributed;
  const configText = root.attrs.model_config ? textOf(root.attrs.model_config.value) : null;
  const weightsGroup = configText !== null ? file.get('model_weights') : file;
  if (!isGroup(weightsGroup)) {
    throw new WeightFileError(`${fileName}: a full Keras model file without its model_weights group`);
  }
  const layerNames = stringList(weightsGroup, 'layer_names');
  if (layerNames === null) {
    const keras3 = file.keys().includes('layers') || file.keys().includes('_layer_checkpoint_dependencies');
    throw new WeightFileError(
      keras3
        ? `${fileName}: a Keras 3 weights file, which is not read; save it with Keras 2 (TensorFlow 2.15 or earlier)`
        : `${fileName}: an HDF5 file without Keras' layer_names attribute, so not a Keras 2 model or weights file`,
    );
  }
  const attribute = (name: string): string | null => {
    const holder = (weightsGroup.attrs[name] ?? root.attrs[name])?.value;
    return holder === undefined ? null : textOf(holder);
  };
  const datasets: WeightDataset[] = [];
  for (const layer of layerNames) {
    const group = weightsGroup.get(layer);
    if (!isGroup(group)) throw new WeightFileError(`${fileName}: layer_names lists ${layer}, which has no group`);
    for (const weight of stringList(group, 'weight_names') ?? []) {
      const dataset = group.get(weight);
      if (!isDataset(dataset)) throw new WeightFileError(`${fileName}: ${layer} lists ${weight}, which has no dataset`);
      datasets.push({ layer, name: tensorName(layer, weight), dataset });
    }
  }
  return {
    kind: configText !== null ? 'full-model' : 'weights-only',
    modelConfig: configText !== null ? parseModelConfig(fileName, configText) : null,
    kerasVersion: attribute('keras_version'),
    backend: attribute('backend'),
    datasets,
  };
}

/** h5wasm's dtype strings (NumPy's) in safetensors' words. */
const HDF5_DTYPES: Record<string, string> = {
  '<f': 'F32',
  '<d': 'F64',
  '<e': 'F16',
  '<i': 'I32',
  '<q': 'I64',
  '<h': 'I16',
};

function dtypeName(dtype: unknown): string {
  return HDF5_DTYPES[String(dtype)] ?? String(dtype);
}

function valuesOf(fileName: string, name: string, value: unknown): Float32Array {
  if (value instanceof Float32Array) return value;
  if (value instanceof Float64Array || value instanceof Int32Array || value instanceof Int16Array) {
    return Float32Array.from(value);
  }
  if (typeof value === 'number') return Float32Array.of(value);
  throw new WeightFileError(`${fileName}: \`${name}\` is not a float32 or float64 dataset`);
}

async function withFile<T>(path: string, use: (file: Hdf5File, fileName: string) => T): Promise<T> {
  const fileName = basename(path);
  const file = await openHdf5(path, fileName);
  try {
    return use(file, fileName);
  } catch (error) {
    if (error instanceof WeightFileError) throw error;
    throw new WeightFileError(`${fileName}: HDF5 cannot read it (truncated or corrupt?): ${String(error)}`, {
      cause: error,
    });
  } finally {
    file.close();
  }
}

function layersOf(datasets: readonly WeightDataset[]): KerasWeightFile['layers'] {
  const layers = new Map<string, string[]>();
  for (const { layer, name } of datasets) layers.set(layer, [...(layers.get(layer) ?? []), name]);
  return [...layers].map(([name, weights]) => ({ name, weights }));
}

/** A Keras 2 `.h5` file, full model or weights only, with every weight read as float32. */
export function readKerasH5(path: string): Promise<KerasWeightFile> {
  return withFile(path, (file, fileName) => {
    const walked = walk(file, fileName);
    const tensors = new Map<string, TensorEntry>();
    for (const { name, dataset } of walked.datasets) {
      const shape = dataset.shape ?? [];
      tensors.set(name, {
        shape,
        values: valuesOf(fileName, name, dataset.value),
        sourceDtype: dtypeName(dataset.dtype),
      });
    }
    const metadata: Record<string, string> = { layout: KERAS_LAYOUT, kind: walked.kind };
    if (walked.kerasVersion !== null) metadata.keras_version = walked.kerasVersion;
    if (walked.backend !== null) metadata.backend = walked.backend;
    const { kind, modelConfig, kerasVersion, backend } = walked;
    return {
      kind,
      modelConfig,
      kerasVersion,
      backend,
      layers: layersOf(walked.datasets),
      tensors: { format: 'keras-h5', tensors, metadata },
    };
  });
}

/** Names and shapes only, no values read: what describeWeightFile needs. */
export function listKerasH5(
  path: string,
): Promise<{ kind: KerasWeightFile['kind']; kerasVersion: string | null; tensors: KerasTensorShape[] }> {
  return withFile(path, (file, fileName) => {
    const walked = walk(file, fileName);
    const tensors = walked.datasets.map(({ name, dataset }) => ({
      name,
      shape: dataset.shape ?? [],
      dtype: dtypeName(dataset.dtype),
    }));
    return { kind: walked.kind, kerasVersion: walked.kerasVersion, tensors };
  });
}
