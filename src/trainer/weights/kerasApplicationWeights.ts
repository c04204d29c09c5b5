// A Keras weights-only .h5 file of keras.applications' ResNet50 or DenseNet121 (RadImageNet's
// backbones), as a torchvision state dict, so that the one mapping (loadTorchvisionWeights.ts)
// checks and sets it. Keras layer names become torchvision module paths (conv2_block1_1_conv →
// layer1.0.conv1, conv1/conv → features.conv0…), kernels go to torch's layout, and what Keras
// does differently is folded into the batch norm that follows, exactly:
// - a convolution's bias b (Keras' ResNet50 has them, torchvision's none): BN(conv(x) + b) is
//   BN(conv(x)) with the running mean lowered by b, in inference and in training alike;
// - batch norm ε 1.001e-5 (Keras) where ours is 1e-5: the running variance raised by 1e-8 gives
//   the same denominator at inference (a batch's own variance in training differs by 1e-8).
// The topology is the other half: Keras' ResNet50 is v1 (kerasResnet50.ts), DenseNet121 is
// torchvision's.
import type { KnownArchitecture } from '../../shared/weights/guessArchitecture';
import type { KerasWeightFile } from './kerasH5';
import { WeightFileError } from './tensorMap';
import type { TensorEntry, TensorMap } from './tensorMap';
import { kernelToTorchLayout } from './torchvisionNames';

export type KerasApplication = Extract<KnownArchitecture, 'keras-resnet50' | 'keras-densenet121'>;

/** Our model.architecture for each Keras application whose weights-only file we load. */
export const KERAS_APPLICATION_ARCHITECTURES = {
  'keras-resnet50': 'resnet50',
  'keras-densenet121': 'densenet121',
} as const satisfies Record<KerasApplication, string>;

export function isKerasApplication(architecture: string): architecture is KerasApplication {
  return Object.hasOwn(KERAS_APPLICATION_ARCHITECTURES, architecture);
}

/** Keras' batch norm ε in keras.applications, against our (PyTorch's) 1e-5. */
const KERAS_EPSILON = 1.001e-5;
const OUR_EPSILON = 1e-5;

const RESNET_LAYERS: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^conv1_conv$/, () => 'conv1'],
  [/^conv1_bn$/, () => 'bn1'],
  [/^conv(\d)_block(\d+)_0_conv$/, ([, stage, block]) => `layer${Number(stage) - 1}.${Number(block) - 1}.downsample.0`],
  [/^conv(\d)_block(\d+)_0_bn$/, ([, stage, block]) => `layer${Number(stage) - 1}.${Number(block) - 1}.downsample.1`],
  [
    /^conv(\d)_block(\d+)_([123])_(conv|bn)$/,
    ([, stage, block, part, kind]) =>
      `layer${Number(stage) - 1}.${Number(block) - 1}.${kind === 'conv' ? 'conv' : 'bn'}${part}`,
  ],
  [/^predictions$/, () => 'fc'],
];

const DENSENET_PARTS: Record<string, string> = {
  '0_bn': 'norm1',
  '1_conv': 'conv1',
  '1_bn': 'norm2',
  '2_conv': 'conv2',
};

const DENSENET_LAYERS: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^conv1\/conv$/, () => 'features.conv0'],
  [/^conv1\/bn$/, () => 'features.norm0'],
  [
    /^conv(\d)_block(\d+)_(0_bn|1_conv|1_bn|2_conv)$/,
    ([, stage, block, part]) =>
      `features.denseblock${Number(stage) - 1}.denselayer${block}.${DENSENET_PARTS[part ?? ''] ?? ''}`,
  ],
  [/^pool(\d)_bn$/, ([, stage]) => `features.transition${Number(stage) - 1}.norm`],
  [/^pool(\d)_conv$/, ([, stage]) => `features.transition${Number(stage) - 1}.conv`],
  [/^bn$/, () => 'features.norm5'],
  [/^predictions$/, () => 'classifier'],
];

const TORCH_PARAMETERS: Record<string, string> = {
  kernel: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};

function moduleOf(layer: string, application: KerasApplication): string | null {
  for (const [pattern, named] of application === 'keras-resnet50' ? RESNET_LAYERS : DENSENET_LAYERS) {
    const match = pattern.exec(layer);
    if (match) return named(match);
  }
  return null;
}

/** The batch norm right after a convolution, in Keras' names: conv2_block1_1_conv → conv2_block1_1_bn. */
function normAfter(convolution: string): string {
  return convolution.replace(/_conv$/, '_bn').replace(/\/conv$/, '/bn');
}

/**
 * The file's tensors under torchvision's names and layout, biases and ε folded. A layer we do not
 * know keeps its Keras name, so that the mapping lists it among the tensors the base does not have.
 */
export function kerasApplicationStateDict(
  file: KerasWeightFile,
  application: KerasApplication,
  fileName: string,
): TensorMap {
  const source = file.tensors.tensors;
  const entry = (name: string): TensorEntry | undefined => source.get(name);
  const tensors = new Map<string, TensorEntry>();
  for (const { name: layer, weights } of file.layers) {
    const module = moduleOf(layer, application);
    for (const name of weights) {
      const stored = entry(name);
      if (!stored) continue;
      const weight = name.slice(layer.length + 1);
      const parameter = TORCH_PARAMETERS[weight];
      if (module === null || parameter === undefined) {
        tensors.set(name, stored);
        continue;
      }
      const key = `${module}.${parameter}`;
      const isHead = module === 'fc' || module === 'classifier';
      if (weight === 'kernel') {
        const { shape, values } = kernelToTorchLayout(stored.shape, stored.values);
        tensors.set(key, { shape, values, sourceDtype: stored.sourceDtype });
      } else if (weight === 'bias' && !isHead) {
        continue; // folded into the next batch norm's running mean below
      } else if (weight === 'moving_mean') {
        tensors.set(key, { ...stored, values: foldedMean(file, layer, stored, fileName) });
      } else if (weight === 'moving_variance') {
        tensors.set(key, { ...stored, values: stored.values.map((value) => value + KERAS_EPSILON - OUR_EPSILON) });
      } else {
        tensors.set(key, stored);
      }
    }
  }
  requireFoldedBiases(file, fileName);
  return { format: 'keras-h5', tensors, metadata: { ...file.tensors.metadata } };
}

/** A batch norm's running mean less the bias of the convolution before it, when that has one. */
function foldedMean(file: KerasWeightFile, norm: string, mean: TensorEntry, fileName: string): Float32Array {
  const convolution = file.layers.find((layer) => normAfter(layer.name) === norm && layer.name !== norm);
  const biasName = convolution?.weights.find((weight) => weight.endsWith('/bias'));
  const bias = biasName === undefined ? undefined : file.tensors.tensors.get(biasName);
  if (!bias) return mean.values;
  if (bias.values.length !== mean.values.length)
    throw new WeightFileError(
      `${fileName}: ${biasName} has ${bias.values.length} values, the batch norm ${norm} after it ` +
        `${mean.values.length}: they cannot be folded together`,
    );
  return mean.values.map((value, index) => value - (bias.values[index] ?? 0));
}

/** Every convolution bias must have a batch norm to fold into (Keras' applications always have one). */
function requireFoldedBiases(file: KerasWeightFile, fileName: string): void {
  const names = new Set(file.layers.map((layer) => layer.name));
  for (const layer of file.layers) {
    const hasBias = layer.weights.some((weight) => weight.endsWith('/bias'));
    const isConvolution = /(_|\/)conv$/.test(layer.name);
    if (hasBias && isConvolution && !names.has(normAfter(layer.name)))
      throw new WeightFileError(
        `${fileName}: the convolution ${layer.name} has a bias but no batch norm ${normAfter(layer.name)} ` +
          'after it to fold it into: not the Keras application its names suggest',
      );
  }
}
