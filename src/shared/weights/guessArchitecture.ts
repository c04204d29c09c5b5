// Which backbone a weight file holds, from its tensors' names and shapes alone, and whether it
// keeps a classifier head: the one place that says so, for `medtransfer inspect-weights`,
// `validate`, the mapping's mismatch message ("The file seems to be …") and the editor's hover.
// torchvision's families are told apart by their module names and their depth by the blocks in
// each stage; Keras' applications (RadImageNet's backbones) by their layer names
// (conv2_block1_1_conv), InceptionV3 by its 94 numbered convolutions.

export interface NamedShape {
  name: string;
  shape: readonly number[];
}

export type KnownArchitecture =
  | 'resnet18'
  | 'resnet50'
  | 'densenet121'
  | 'mobilenetv2'
  | 'efficientnetb0'
  | 'keras-resnet50'
  | 'keras-densenet121'
  | 'keras-inceptionv3';

export interface ArchitectureGuess {
  /** One we load, or 'unknown' (which may still be named in the label: torchvision's resnet34…). */
  architecture: KnownArchitecture | 'unknown';
  /** "torchvision's resnet18 (model.architecture: resnet18)", "Keras ResNet50 (as RadImageNet's)", "a ResNet with …". */
  label: string;
  /** The classifier head the file keeps, or null for a backbone without one (RadImageNet's notop files). */
  head: { tensor: string; classes: number } | null;
}

type Head = ArchitectureGuess['head'];

/** torchvision's name of each architecture we build, by ours. */
const TORCHVISION_NAMES: Record<string, string> = {
  resnet18: 'resnet18',
  resnet50: 'resnet50',
  densenet121: 'densenet121',
  mobilenetv2: 'mobilenet_v2',
  efficientnetb0: 'efficientnet_b0',
};

const KERAS_LABELS: Record<string, string> = {
  'keras-resnet50': "Keras ResNet50 (as RadImageNet's)",
  'keras-densenet121': "Keras DenseNet121 (as RadImageNet's)",
  'keras-inceptionv3': "Keras InceptionV3 (as RadImageNet's)",
};

/** torchvision's models we do not build, by block kind and blocks a stage. */
const OTHER_TORCHVISION: Record<string, string> = {
  'resnet basic 3,4,6,3': 'resnet34',
  'resnet bottleneck 3,4,23,3': 'resnet101',
  'resnet bottleneck 3,8,36,3': 'resnet152',
  'densenet 6,12,36,24': 'densenet161',
  'densenet 6,12,32,32': 'densenet169',
  'densenet 6,12,48,32': 'densenet201',
  'efficientnet 2,3,3,4,4,5,2': 'efficientnet_b1 or b2',
  'efficientnet 2,3,3,5,5,6,2': 'efficientnet_b3',
  'efficientnet 2,4,4,6,6,8,2': 'efficientnet_b4',
};

/** Blocks a stage, from names whose pattern captures (stage, block index); torchvision counts blocks from 0. */
function stageDepths(names: readonly string[], pattern: RegExp, firstBlock: 0 | 1): string {
  const depths = new Map<number, number>();
  for (const name of names) {
    const match = pattern.exec(name);
    const [stage, block] = [Number(match?.[1]), Number(match?.[2]) + 1 - firstBlock];
    if (match) depths.set(stage, Math.max(depths.get(stage) ?? 0, block));
  }
  return [...depths]
    .sort(([a], [b]) => a - b)
    .map(([, depth]) => depth)
    .join(',');
}

function head(tensors: readonly NamedShape[], name: string, classAxis: 0 | 1): Head {
  const kernel = tensors.find((tensor) => tensor.name === name);
  const classes = kernel?.shape.length === 2 ? kernel.shape[classAxis] : undefined;
  return kernel && classes !== undefined ? { tensor: name, classes } : null;
}

function known(architecture: KnownArchitecture, headOf: Head): ArchitectureGuess {
  const torchvision = TORCHVISION_NAMES[architecture];
  const label = torchvision
    ? `torchvision's ${torchvision} (model.architecture: ${architecture})`
    : (KERAS_LABELS[architecture] ?? architecture);
  return { architecture, label, head: headOf };
}

function unknown(label: string, tensors: readonly NamedShape[]): ArchitectureGuess {
  // A head is a final 2-D weight followed by its bias: [classes, in] in PyTorch, [in, classes] in Keras.
  const [weight, bias] = tensors.slice(-2);
  const classes = bias?.shape.length === 1 ? bias.shape[0] : undefined;
  const isHead = weight?.shape.length === 2 && classes !== undefined && weight.shape.includes(classes);
  return { architecture: 'unknown', label, head: isHead ? { tensor: weight.name, classes } : null };
}

/** A torchvision family we do not build: named when torchvision has it, described otherwise. */
function otherTorchvision(key: string, description: string, tensors: readonly NamedShape[]): ArchitectureGuess {
  const name = OTHER_TORCHVISION[key];
  return unknown(name ? `torchvision's ${name}` : description, tensors);
}

function guessTorchvision(tensors: readonly NamedShape[], names: readonly string[]): ArchitectureGuess | null {
  if (names.some((name) => /^layer\d\.\d+\.conv1\.weight$/.test(name))) {
    const block = names.some((name) => /^layer\d\.\d+\.conv3\.weight$/.test(name)) ? 'bottleneck' : 'basic';
    const depths = stageDepths(names, /^layer(\d)\.(\d+)\.conv1\.weight$/, 0);
    const fc = head(tensors, 'fc.weight', 0);
    if (block === 'basic' && depths === '2,2,2,2') return known('resnet18', fc);
    if (block === 'bottleneck' && depths === '3,4,6,3') return known('resnet50', fc);
    return otherTorchvision(`resnet ${block} ${depths}`, `a ResNet with ${block} blocks [${depths}]`, tensors);
  }
  if (names.some((name) => name.startsWith('features.denseblock'))) {
    const depths = stageDepths(names, /^features\.denseblock(\d)\.denselayer(\d+)\./, 1);
    if (depths === '6,12,24,16') return known('densenet121', head(tensors, 'classifier.weight', 0));
    return otherTorchvision(`densenet ${depths}`, `a DenseNet with [${depths}] layers a block`, tensors);
  }
  if (names.some((name) => /^features\.\d+\.\d+\.block\./.test(name))) {
    const depths = stageDepths(names, /^features\.(\d+)\.(\d+)\.block\./, 0);
    if (depths === '1,2,2,3,3,4,1') return known('efficientnetb0', head(tensors, 'classifier.1.weight', 0));
    return otherTorchvision(`efficientnet ${depths}`, `an EfficientNet with [${depths}] blocks a stage`, tensors);
  }
  if (names.some((name) => /^features\.\d+\.conv\.\d/.test(name)) && names.includes('features.18.0.weight')) {
    return known('mobilenetv2', head(tensors, 'classifier.1.weight', 0));
  }
  if (names.some((name) => /^features\.\d+\.block\./.test(name))) return unknown("torchvision's MobileNetV3", tensors);
  if (names.includes('conv_stem.weight'))
    return unknown("timm's names (conv_stem, blocks…), not torchvision's", tensors);
  return null;
}

function guessKeras(tensors: readonly NamedShape[], names: readonly string[]): ArchitectureGuess | null {
  const predictions = head(tensors, 'predictions/kernel', 1);
  if (names.some((name) => name.startsWith('conv2_block1_'))) {
    const depths = stageDepths(names, /^conv(\d)_block(\d+)_/, 1);
    const bottleneck = names.some((name) => /^conv\d_block\d+_3_conv\//.test(name));
    if (bottleneck && depths === '3,4,6,3') return known('keras-resnet50', predictions);
    if (!bottleneck && depths === '6,12,24,16') return known('keras-densenet121', predictions);
    return unknown(
      `Keras applications' names, ${bottleneck ? 'ResNet' : 'DenseNet'}-like with [${depths}] blocks`,
      tensors,
    );
  }
  // keras_applications before 1.0.8 named ResNet50's layers res2a_branch2a, bn_conv1…
  if (names.some((name) => name.startsWith('res2a_branch2a/'))) return known('keras-resnet50', predictions);
  const convolutions = tensors.filter((tensor) => /^conv2d(_\d+)?\/kernel$/.test(tensor.name));
  if (convolutions.length === 94 && convolutions[0]?.shape.join(',') === '3,3,3,32') {
    return known('keras-inceptionv3', predictions);
  }
  return null;
}

/** A whole state dict under `module.` (DataParallel), `model.` or `state_dict.`: what is inside, and why it does not load. */
function underPrefix(tensors: readonly NamedShape[]): ArchitectureGuess | null {
  const prefix = /^(module|model|state_dict)\./.exec(tensors[0]?.name ?? '')?.[1];
  if (prefix === undefined || !tensors.every((tensor) => tensor.name.startsWith(`${prefix}.`))) return null;
  const inner = guessArchitecture(tensors.map((tensor) => ({ ...tensor, name: tensor.name.slice(prefix.length + 1) })));
  return {
    architecture: 'unknown',
    label: `${inner.label}, with every key under \`${prefix}.\` (save the inner model's state_dict() instead)`,
    head: inner.head && { tensor: `${prefix}.${inner.head.tensor}`, classes: inner.head.classes },
  };
}

export function guessArchitecture(tensors: readonly NamedShape[]): ArchitectureGuess {
  if (tensors.length === 0) return { architecture: 'unknown', label: 'empty (no tensors)', head: null };
  const prefixed = underPrefix(tensors);
  if (prefixed) return prefixed;
  const names = tensors.map((tensor) => tensor.name);
  const keras = names.some((name) => name.includes('/'));
  const guess = keras ? guessKeras(tensors, names) : guessTorchvision(tensors, names);
  const listed = `${tensors.length} tensors, the first ${names.slice(0, 3).join(', ')}`;
  return guess ?? unknown(keras ? `an unknown Keras model (${listed})` : `an unknown model (${listed})`, tensors);
}
