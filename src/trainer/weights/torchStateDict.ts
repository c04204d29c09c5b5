// Where the tensors are in what a PyTorch file unpickles to: a state dict (an OrderedDict of
// tensors), a checkpoint holding one under a usual key, or a whole pickled module, whose
// parameters and buffers are gathered from `_parameters`, `_buffers` and `_modules` into the
// names `model.state_dict()` would give (`features.conv0.weight`). num_batches_tracked, a
// counter and no weight, is dropped.
import { PickledTensor, UnsupportedTensor, pythonName } from './torchPickle';
import { WeightFileError } from './tensorMap';

export interface FoundTensors {
  /** How the file held them. */
  holder: 'state-dict' | 'module';
  tensors: Map<string, PickledTensor>;
}

/** Keys under which training checkpoints keep the model's state dict, in the order tried. */
const CHECKPOINT_KEYS = ['state_dict', 'model_state_dict', 'model', 'net'];

interface PickledModule {
  _parameters: Map<unknown, unknown>;
  _buffers: Map<unknown, unknown>;
  _modules: Map<unknown, unknown>;
  _non_persistent_buffers_set?: unknown;
}

function isModule(value: unknown): value is PickledModule {
  if (value === null || typeof value !== 'object') return false;
  const { _parameters, _buffers, _modules } = value as Record<string, unknown>;
  return _parameters instanceof Map && _buffers instanceof Map && _modules instanceof Map;
}

function isDropped(name: string): boolean {
  return name === 'num_batches_tracked' || name.endsWith('.num_batches_tracked');
}

function describeValue(value: unknown): string {
  if (value instanceof UnsupportedTensor) return `a ${value.kind.replaceAll('_', ' ')} tensor, which is not read`;
  return pythonName(value) ?? (value === null ? 'None' : typeof value);
}

function addTensor(fileName: string, tensors: Map<string, PickledTensor>, name: string, value: unknown): void {
  if (isDropped(name)) return;
  if (!(value instanceof PickledTensor))
    throw new WeightFileError(`${fileName}: \`${name}\` is ${describeValue(value)}`);
  tensors.set(name, value);
}

function gatherModule(
  fileName: string,
  module: PickledModule,
  prefix: string,
  tensors: Map<string, PickledTensor>,
): void {
  for (const [name, value] of module._parameters) {
    if (value !== null) addTensor(fileName, tensors, `${prefix}${String(name)}`, value);
  }
  const nonPersistent = module._non_persistent_buffers_set;
  for (const [name, value] of module._buffers) {
    if (value === null || (nonPersistent instanceof Set && nonPersistent.has(name))) continue;
    addTensor(fileName, tensors, `${prefix}${String(name)}`, value);
  }
  for (const [name, child] of module._modules) {
    if (child === null) continue;
    if (!isModule(child)) {
      throw new WeightFileError(`${fileName}: the submodule \`${prefix}${String(name)}\` is ${describeValue(child)}`);
    }
    gatherModule(fileName, child, `${prefix}${String(name)}.`, tensors);
  }
}

function isStateDict(value: unknown): value is Map<unknown, unknown> {
  return value instanceof Map && [...value.values()].some((item) => item instanceof PickledTensor);
}

function fromStateDict(fileName: string, dict: Map<unknown, unknown>): FoundTensors {
  const tensors = new Map<string, PickledTensor>();
  for (const [key, value] of dict) {
    if (typeof key !== 'string')
      throw new WeightFileError(`${fileName}: a state-dict key is ${String(key)}, not a name`);
    addTensor(fileName, tensors, key, value);
  }
  return { holder: 'state-dict', tensors };
}

/** The tensors of an unpickled PyTorch file, by state-dict name in the file's order. */
export function findTensors(fileName: string, root: unknown): FoundTensors {
  if (isModule(root)) {
    const tensors = new Map<string, PickledTensor>();
    gatherModule(fileName, root, '', tensors);
    return { holder: 'module', tensors };
  }
  if (isStateDict(root)) return fromStateDict(fileName, root);
  if (root instanceof Map) {
    for (const key of CHECKPOINT_KEYS) {
      const inner = root.get(key);
      if (isModule(inner) || isStateDict(inner)) return findTensors(fileName, inner);
    }
    const keys = [...root.keys()].slice(0, 8).map(String).join(', ');
    throw new WeightFileError(
      `${fileName}: holds a dict without tensors (keys: ${keys || 'none'}); ` +
        `expected a state dict, a checkpoint with one under ${CHECKPOINT_KEYS.join(', ')}, or a whole module`,
    );
  }
  if (root instanceof PickledTensor) throw new WeightFileError(`${fileName}: holds a single tensor, not a state dict`);
  throw new WeightFileError(`${fileName}: holds ${describeValue(root)}, not a state dict or a module`);
}
