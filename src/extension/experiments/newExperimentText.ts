// The text of a new experiment file, written by the New Experiment flow: every choice the user
// made, the defaults that matter spelled out, and comments saying what each part does.
import { ARCHITECTURES, ARCHITECTURE_MIN_SIZE, STRATEGIES } from '../../shared/experiment/schema';
import type { Architecture, Strategy } from '../../shared/experiment/schema';
import { PLAIN_NAME_PATTERN, PLAIN_NAME_RULE } from '../../shared/run/plainName';

export type NewDataset =
  | { type: 'synthetic' }
  /** `path` relative to the experiment file's folder, with `/` separators. */
  | { type: 'medmnist' | 'idx' | 'folder'; path: string };

export interface NewExperimentChoices {
  name: string;
  dataset: NewDataset;
  architecture: Architecture;
  strategy: Strategy;
}

export const ARCHITECTURE_DESCRIPTIONS: Record<Architecture, string> = {
  'seed-cnn': 'small 3-block CNN: fastest, good for 28×28 images',
  'resnet-small': 'small residual network: stronger features, slower',
  'mobilenet-small': 'depthwise-separable blocks: few parameters',
  resnet18: "torchvision's ResNet-18: 11 M weights, takes ImageNet weights, 28×28 and up",
  resnet50: "torchvision's ResNet-50: 24 M weights, takes ImageNet and RadImageNet weights, slow on a CPU",
  densenet121: "torchvision's DenseNet-121: 7 M weights, the usual chest X-ray backbone",
  mobilenetv2: "torchvision's MobileNetV2: 2 M weights, fast",
  efficientnetb0: "torchvision's EfficientNet-B0: 4 M weights, accurate for its size",
};

export const STRATEGY_DESCRIPTIONS: Record<Strategy, string> = {
  'two-phase': 'train a new head on the frozen base, then fine-tune everything at a low rate (the Keras recipe)',
  'feature-extraction': 'train only a new head; the pretrained base stays frozen',
  partial: 'train the head, then also the top blocks of the base',
  full: 'train everything from the start at a low rate',
};

export const DATASET_DESCRIPTIONS: Record<NewDataset['type'], string> = {
  synthetic: 'built-in synthetic scans, no files needed',
  medmnist: 'a MedMNIST .npz file (train/val/test images and labels)',
  idx: 'a folder of MNIST-style IDX files',
  folder: 'a folder with one subfolder of PNG/JPEG images per class',
};

/** Null when the name can name a runs folder; else why not. */
export function validateExperimentName(name: string): string | null {
  if (name.length === 0) return 'give the experiment a name';
  if (name.length > 80) return 'at most 80 characters';
  if (!PLAIN_NAME_PATTERN.test(name)) return `${PLAIN_NAME_RULE} (it names the runs folder)`;
  return null;
}

/** A name suggested from the dataset: `pneumoniamnist-fewshot`, `synthetic-transfer`. */
export function suggestExperimentName(dataset: NewDataset): string {
  if (dataset.type === 'synthetic') return 'synthetic-transfer';
  const base =
    dataset.path
      .split('/')
      .filter((part) => part !== '' && part !== '.' && part !== '..')
      .pop() ?? dataset.type;
  const stem = base
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 60)
    .replace(/[-._]+$/, '');
  return `${stem || dataset.type}-fewshot`;
}

export function newExperimentText({ name, dataset, architecture, strategy }: NewExperimentChoices): string {
  if (!ARCHITECTURES.includes(architecture)) throw new Error(`unknown architecture ${architecture}`);
  if (!STRATEGIES.includes(strategy)) throw new Error(`unknown strategy ${strategy}`);
  const synthetic = dataset.type === 'synthetic';
  // An architecture that needs more than 28 pixels (the torchvision backbones: 32) gets 64, which
  // leaves it a 2×2 feature map.
  const size = ARCHITECTURE_MIN_SIZE[architecture].size > 28 ? 64 : dataset.type === 'folder' ? 32 : 28;
  const inputShape = `[${size}, ${size}, ${dataset.type === 'folder' ? 3 : 1}]`;
  const lines = [
    `# MedTransfer experiment: pretrain on a source task, fine-tune on a few target labels, and`,
    `# compare with the same model trained from scratch. Keys complete and explain themselves on`,
    `# hover; run it with the ▶ Run experiment lens above, or \`medtransfer run <this file>\`.`,
    `name: ${name}  # names the runs folder: runs/${name}/<run id>/`,
    `seed: 42`,
    `backend: auto                  # fastest available; or tensorflow-gpu, webgpu, tensorflow, native, wasm, cpu`,
    ``,
    `model:`,
    `  architecture: ${architecture}  # ${ARCHITECTURE_DESCRIPTIONS[architecture]}`,
    `  inputShape: ${inputShape}       # [height, width, channels]; images are resized and converted`,
    `  dropout: 0.3`,
    ``,
    `# The task to pretrain on (plenty of labels). Instead of \`source\`, \`pretrained:\` can name a`,
    `# saved model folder, e.g. the model/ of an earlier run.`,
    `source:`,
    `  dataset: { type: synthetic, task: source, samples: 4000 }`,
    `  epochs: 3`,
    ``,
    `# The task that matters, with few labels: ${DATASET_DESCRIPTIONS[dataset.type]}.`,
    `target:`,
    synthetic
      ? `  dataset: { type: synthetic, task: target, samples: 1500 }`
      : `  dataset: { type: ${dataset.type}, path: ${yamlString(dataset.path)} }`,
    synthetic ? `  classes: [normal, lesion]` : `  # classes: [normal, abnormal]   # display names, in label order`,
    `  labelsPerClass: 20             # few-shot: labelled training images kept per class (or \`fraction: 0.05\`)`,
    `  validationFraction: 0.2        # held out for validation when the data has no validation split`,
    ``,
    `fineTune:`,
    `  strategy: ${strategy}  # ${STRATEGY_DESCRIPTIONS[strategy]}`,
    ...fineTuneLines(strategy),
    ``,
    `training:`,
    `  batchSize: 32`,
    `  optimizer: adam`,
    `  learningRate: 1.0e-3`,
    `  classWeights: balanced         # weigh classes inversely to their frequency`,
    `  earlyStopping: { monitor: val_auc, patience: 3, restoreBest: true }`,
    ``,
    `baseline:`,
    `  scratch: true                  # the same model from random weights on the same labels: did transfer help?`,
    ``,
    `evaluation:`,
    `  split: test`,
    synthetic
      ? `  positiveClass: lesion          # sensitivity and specificity are about this class`
      : `  # positiveClass: abnormal      # binary targets: the class sensitivity is about`,
    ``,
  ];
  return lines.join('\n');
}

function fineTuneLines(strategy: Strategy): string[] {
  switch (strategy) {
    case 'feature-extraction':
      return ['  headEpochs: 10                 # epochs training the new head'];
    case 'full':
      return [
        '  epochs: 10',
        '  learningRate: 1.0e-4           # low, so the pretrained weights are refined, not overwritten',
      ];
    case 'partial':
      return [
        '  headEpochs: 5',
        '  epochs: 10',
        '  learningRate: 1.0e-4',
        '  trainableBlocks: 1             # top blocks of the base trained after the head',
      ];
    case 'two-phase':
      return [
        '  headEpochs: 5                  # phase 1: the new head on the frozen base',
        '  epochs: 10                     # phase 2: everything, at a low rate',
        '  learningRate: 1.0e-4',
      ];
  }
}

/** A YAML scalar for a path: plain when safe, else double-quoted with escapes. */
function yamlString(value: string): string {
  return /^[A-Za-z0-9._/~-][A-Za-z0-9._/ ~-]*$/.test(value) && !value.endsWith(' ') ? value : JSON.stringify(value);
}
