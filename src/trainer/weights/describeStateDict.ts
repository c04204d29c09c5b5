// What a state dict seems to be, from its keys and shapes alone: the words a mismatch error ends
// with ("the file seems to be torchvision's resnet18 (model.architecture: resnet18)"). torchvision's
// families are told apart by their module names, their depth by how many blocks each stage has.

const RESNETS: Record<string, string> = {
  'basic 2,2,2,2': 'resnet18',
  'basic 3,4,6,3': 'resnet34',
  'bottleneck 3,4,6,3': 'resnet50',
  'bottleneck 3,4,23,3': 'resnet101',
  'bottleneck 3,8,36,3': 'resnet152',
};

const DENSENETS: Record<string, string> = {
  '6,12,24,16': 'densenet121',
  '6,12,36,24': 'densenet161',
  '6,12,32,32': 'densenet169',
  '6,12,48,32': 'densenet201',
};

const EFFICIENTNETS: Record<string, string> = {
  '1,2,2,3,3,4,1': 'efficientnet_b0',
  '2,3,3,4,4,5,2': 'efficientnet_b1 or b2',
  '2,3,3,5,5,6,2': 'efficientnet_b3',
  '2,4,4,6,6,8,2': 'efficientnet_b4',
};

/** Our model.architecture for a torchvision model we build. */
const OURS: Record<string, string> = {
  resnet18: 'resnet18',
  resnet50: 'resnet50',
  densenet121: 'densenet121',
  mobilenet_v2: 'mobilenetv2',
  efficientnet_b0: 'efficientnetb0',
};

/** Blocks per stage, from keys like `layer2.3.conv1.weight` (pattern groups: stage, index). */
function stageDepths(keys: readonly string[], pattern: RegExp): number[] {
  const depths: number[] = [];
  for (const key of keys) {
    const match = pattern.exec(key);
    if (!match) continue;
    const stage = Number(match[1]);
    depths[stage] = Math.max(depths[stage] ?? 0, Number(match[2]));
  }
  return depths.filter((depth) => depth !== undefined);
}

function named(torchvisionName: string): string {
  const ours = OURS[torchvisionName];
  return `torchvision's ${torchvisionName}` + (ours ? ` (model.architecture: ${ours})` : '');
}

/** A short phrase: "torchvision's resnet18 (model.architecture: resnet18)", "a ResNet with …", "an unknown model …". */
export function describeStateDict(keys: readonly string[]): string {
  if (keys.length === 0) return 'empty (no tensors)';
  const prefix = /^(module|model|state_dict)\./.exec(keys[0] ?? '')?.[1];
  if (prefix !== undefined && keys.every((key) => key.startsWith(`${prefix}.`))) {
    const inner = describeStateDict(keys.map((key) => key.slice(prefix.length + 1)));
    return `${inner}, with every key under \`${prefix}.\` (save the inner model's state_dict() instead)`;
  }
  if (keys.some((key) => /^layer\d\.\d+\.conv1\.weight$/.test(key))) {
    const block = keys.some((key) => /^layer\d\.\d+\.conv3\.weight$/.test(key)) ? 'bottleneck' : 'basic';
    const depths = stageDepths(keys, /^layer(\d)\.(\d+)\.conv1\.weight$/).map((last) => last + 1);
    const name = RESNETS[`${block} ${depths.join(',')}`];
    return name ? named(name) : `a ResNet with ${block} blocks, [${depths.join(', ')}] a stage`;
  }
  if (keys.some((key) => key.startsWith('features.denseblock'))) {
    const depths = stageDepths(keys, /^features\.denseblock(\d)\.denselayer(\d+)\./);
    const name = DENSENETS[depths.join(',')];
    return name ? named(name) : `a DenseNet with [${depths.join(', ')}] layers a block`;
  }
  if (keys.some((key) => /^features\.\d+\.\d+\.block\./.test(key))) {
    const depths = stageDepths(keys, /^features\.(\d+)\.(\d+)\.block\./).map((last) => last + 1);
    const name = EFFICIENTNETS[depths.join(',')];
    return name ? named(name) : `an EfficientNet with [${depths.join(', ')}] blocks a stage`;
  }
  if (keys.some((key) => /^features\.\d+\.conv\.\d/.test(key))) return named('mobilenet_v2');
  if (keys.some((key) => /^features\.\d+\.block\./.test(key))) return "torchvision's MobileNetV3";
  if (keys.includes('conv_stem.weight')) return "timm's names (conv_stem, blocks…), not torchvision's";
  if (keys.some((key) => key.includes('/'))) return 'Keras weight names, not torchvision state-dict keys';
  return `an unknown model (${keys.length} tensors, the first ${keys.slice(0, 3).join(', ')})`;
}
