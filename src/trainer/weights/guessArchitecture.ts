// Which known backbone a weight file holds, from its tensors' names and shapes alone, and whether
// it keeps a classifier head. torchvision's families are told apart by their module names and
// their depth by the blocks in each stage; Keras' applications (RadImageNet's backbones) by their
// layer names (conv2_block1_1_conv), InceptionV3 by its 94 numbered convolutions.

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
  architecture: KnownArchitecture | 'unknown';
  /** "torchvision resnet18", "Keras ResNet50 (RadImageNet's backbones)", "unknown: a ResNet with …". */
  label: string;
  /** The classifier head the file keeps, or null for a backbone without one (RadImageNet's notop files). */
  head: { tensor: string; classes: number } | null;
}

const LABELS: Record<KnownArchitecture, string> = {
  resnet18: 'torchvision resnet18',
  resnet50: 'torchvision resnet50',
  densenet121: 'torchvision densenet121',
  mobilenetv2: 'torchvision mobilenet_v2',
  efficientnetb0: 'torchvision efficientnet_b0',
  'keras-resnet50': "Keras ResNet50 (as RadImageNet's)",
  'keras-densenet121': "Keras DenseNet121 (as RadImageNet's)",
  'keras-inceptionv3': "Keras InceptionV3 (as RadImageNet's)",
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

function head(tensors: readonly NamedShape[], name: string, classAxis: 0 | 1): ArchitectureGuess['head'] {
  const kernel = tensors.find((tensor) => tensor.name === name);
  const classes = kernel?.shape.length === 2 ? kernel.shape[classAxis] : undefined;
  return kernel && classes !== undefined ? { tensor: name, classes } : null;
}

function known(architecture: KnownArchitecture, headOf: ArchitectureGuess['head']): ArchitectureGuess {
  return { architecture, label: LABELS[architecture], head: headOf };
}

function unknown(label: string, tensors: readonly NamedShape[]): ArchitectureGuess {
  // A head is a final 2-D weight followed by its bias: [classes, in] in PyTorch, [in, classes] in Keras.
  const [weight, bias] = tensors.slice(-2);
  const classes = bias?.shape.length === 1 ? bias.shape[0] : undefined;
  const isHead = weight?.shape.length === 2 && classes !== undefined && weight.shape.includes(classes);
  return {
    architecture: 'unknown',
    label: `unknown: ${label}`,
    head: isHead ? { tensor: weight.name, classes } : null,
  };
}

function guessTorchvision(tensors: readonly NamedShape[], names: readonly string[]): ArchitectureGuess | null {
  if (names.some((name) => /^layer\d\.\d+\.conv1\.weight$/.test(name))) {
    const bottleneck = names.some((name) => /^layer\d\.\d+\.conv3\.weight$/.test(name));
    const depths = stageDepths(names, /^layer(\d)\.(\d+)\.conv1\.weight$/, 0);
    const fc = head(tensors, 'fc.weight', 0);
    if (!bottleneck && depths === '2,2,2,2') return known('resnet18', fc);
    if (bottleneck && depths === '3,4,6,3') return known('resnet50', fc);
    return unknown(
      `a torchvision-style ResNet with ${bottleneck ? 'bottleneck' : 'basic'} blocks [${depths}]`,
      tensors,
    );
  }
  if (names.some((name) => name.startsWith('features.denseblock'))) {
    const depths = stageDepths(names, /^features\.denseblock(\d)\.denselayer(\d+)\./, 1);
    if (depths === '6,12,24,16') return known('densenet121', head(tensors, 'classifier.weight', 0));
    return unknown(`a torchvision-style DenseNet with [${depths}] layers a block`, tensors);
  }
  if (names.some((name) => /^features\.\d+\.\d+\.block\./.test(name))) {
    const depths = stageDepths(names, /^features\.(\d+)\.(\d+)\.block\./, 0);
    if (depths === '1,2,2,3,3,4,1') return known('efficientnetb0', head(tensors, 'classifier.1.weight', 0));
    return unknown(`a torchvision-style EfficientNet with [${depths}] blocks a stage`, tensors);
  }
  if (names.some((name) => /^features\.\d+\.conv\.\d/.test(name)) && names.includes('features.18.0.weight')) {
    return known('mobilenetv2', head(tensors, 'classifier.1.weight', 0));
  }
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

export function guessArchitecture(tensors: readonly NamedShape[]): ArchitectureGuess {
  if (tensors.length === 0) return { architecture: 'unknown', label: 'unknown: no tensors', head: null };
  const names = tensors.map((tensor) => tensor.name);
  const keras = names.some((name) => name.includes('/'));
  const guess = keras ? guessKeras(tensors, names) : guessTorchvision(tensors, names);
  return guess ?? unknown(`${tensors.length} tensors, the first ${names.slice(0, 3).join(', ')}`, tensors);
}
