// The experiment file's one schema: it gives the TypeScript types (z.infer), the validation
// (with positions mapped by parseExperiment.ts) and the JSON Schema file for editors
// (scripts/generate-json-schema.ts). Every object is strict: an unknown key is an error,
// so a typo such as `learningrate` never passes silently.
import { z } from 'zod';
import { PLAIN_NAME_PATTERN, PLAIN_NAME_RULE } from '../run/plainName';
import { PREPROCESSING_CHOICES } from './preprocessing';

export const ARCHITECTURES = [
  'seed-cnn',
  'resnet-small',
  'mobilenet-small',
  'resnet18',
  'resnet50',
  'densenet121',
  'mobilenetv2',
  'efficientnetb0',
] as const;

/** The smallest image height and width `model.inputShape` may give, for every architecture. */
export const MIN_INPUT_SIZE = 8;

const TORCHVISION_HALVINGS =
  'it halves the image five times: MedMNIST’s 28×28 ends as a 1×1 feature map, and a smaller image would be mostly padding';

/**
 * The smallest height and width each architecture takes, and why: checked with the rest of the
 * file, so that `validate` and the editor refuse what the run would fail on. A new architecture
 * declares its own (this table must have every name in ARCHITECTURES).
 */
export const ARCHITECTURE_MIN_SIZE = {
  'seed-cnn': {
    size: 18,
    reason: 'its three unpadded 3×3 convolutions and two 2×2 max-pools leave nothing of a smaller image',
  },
  'resnet-small': { size: MIN_INPUT_SIZE, reason: 'its convolutions are padded, so any size from the minimum runs' },
  'mobilenet-small': { size: MIN_INPUT_SIZE, reason: 'its convolutions are padded, so any size from the minimum runs' },
  resnet18: { size: 28, reason: TORCHVISION_HALVINGS },
  resnet50: { size: 28, reason: TORCHVISION_HALVINGS },
  densenet121: {
    size: 32,
    reason: 'it halves the image five times, its transitions with 2×2 average pools, which need 2×2 left at 32×32',
  },
  mobilenetv2: { size: 28, reason: TORCHVISION_HALVINGS },
  efficientnetb0: { size: 28, reason: TORCHVISION_HALVINGS },
} as const satisfies Record<(typeof ARCHITECTURES)[number], { size: number; reason: string }>;
export const STRATEGIES = ['feature-extraction', 'partial', 'full', 'two-phase'] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const;
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
export const MONITORS = ['val_auc', 'val_loss', 'val_accuracy', 'val_balanced_accuracy'] as const;

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const learningRate = z.number().positive().max(10);

const syntheticDataset = z
  .object({
    type: z.literal('synthetic'),
    task: z
      .enum(['source', 'target'])
      .describe(
        'source: 4 lesion shapes on high-contrast scans; ' +
          'target: lesion present vs absent on a noisier, differently exposed scanner',
      ),
    samples: positiveInt.max(200_000).default(1200).describe('Images in the whole dataset, before the split'),
  })
  .strict()
  .describe('Built-in deterministic medical-like images (no files needed)');

const medmnistDataset = z
  .object({
    type: z.literal('medmnist'),
    path: z.string().min(1).describe('A MedMNIST .npz file (train/val/test images and labels)'),
  })
  .strict();

const idxDataset = z
  .object({
    type: z.literal('idx'),
    path: z.string().min(1).describe('Folder with MNIST-style IDX files (train-images-idx3-ubyte[.gz], …)'),
  })
  .strict();

// Options shared by the file formats that decode images one by one (folder, csv, dicom, nifti).
const resize = z
  .enum(['stretch', 'pad', 'crop'])
  .default('pad')
  .describe(
    'How an image of another aspect ratio meets the model input: ' +
      'stretch it, pad it (centred, black borders; keeps all anatomy), or crop its centre',
  );
const onError = z
  .enum(['fail', 'skip'])
  .default('fail')
  .describe(
    'A corrupt or unreadable file: fail the run (naming the file and why), or skip it and report how many were skipped',
  );
const cacheSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Reuse the decoded, resized images of an earlier run with the same files and settings'),
    dir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Cache folder (relative: to the folder holding the dataset); ' +
          'default: .medtransfer-cache there, or your own cache folder (~/.cache/medtransfer) when that is read-only',
      ),
  })
  .strict();
const decodedOptions = {
  resize,
  onError,
  cache: cacheSchema.optional().describe('Cache of decoded images (on unless `enabled: false`)'),
};
const columns = {
  imageColumn: z.string().min(1).default('image').describe('CSV column with the image path (relative to the CSV file)'),
  labelColumn: z.string().min(1).default('label').describe('CSV column with the class name'),
  splitColumn: z
    .string()
    .min(1)
    .optional()
    .describe('CSV column with train, val or test; other splits are made when absent'),
  patientColumn: z
    .string()
    .min(1)
    .optional()
    .describe('CSV column with a patient id: splits then never share a patient'),
};
const windowSchema = z
  .object({
    center: z.number().describe('Window centre, in rescaled units (e.g. Hounsfield)'),
    width: z.number().positive().describe('Window width, in rescaled units'),
  })
  .strict();

const folderDataset = z
  .object({
    type: z.literal('folder'),
    path: z.string().min(1).describe('Folder with one subfolder of PNG/JPEG images per class'),
    ...decodedOptions,
  })
  .strict();

const csvDataset = z
  .object({
    type: z.literal('csv'),
    path: z.string().min(1).describe('A .csv or .tsv file listing image paths (PNG/JPEG/DICOM) and labels'),
    ...columns,
    window: windowSchema.optional().describe('DICOM images: intensity window (default: the file’s own, else min–max)'),
    frame: nonNegativeInt.default(0).describe('DICOM multi-frame files: the frame to use (0-based)'),
    ...decodedOptions,
  })
  .strict();

const dicomDataset = z
  .object({
    type: z.literal('dicom'),
    path: z.string().min(1).describe('Folder of DICOM files: one subfolder per class, or any layout with `labels`'),
    labels: z
      .string()
      .min(1)
      .optional()
      .describe('CSV of file paths (relative to it) and labels; relative to `path` itself'),
    ...columns,
    window: windowSchema
      .optional()
      .describe('Intensity window (default: the file’s own Window Center/Width, else min–max)'),
    frame: nonNegativeInt.default(0).describe('Multi-frame files: the frame to use (0-based)'),
    ...decodedOptions,
  })
  .strict();

const slicesSchema = z
  .object({
    axis: z
      .enum(['axial', 'coronal', 'sagittal'])
      .default('axial')
      .describe('axial: along k (z), coronal: along j (y), sagittal: along i (x)'),
    mode: z
      .enum(['middle', 'every', 'range'])
      .default('middle')
      .describe('middle slice only, every `step`-th slice, or slices `from`..`to`'),
    step: positiveInt.default(1).describe('every: take every step-th slice'),
    from: nonNegativeInt.optional().describe('range: first slice (0-based, inclusive)'),
    to: nonNegativeInt.optional().describe('range: last slice (inclusive)'),
  })
  .strict();

const niftiDataset = z
  .object({
    type: z.literal('nifti'),
    path: z.string().min(1).describe('Folder of .nii / .nii.gz volumes'),
    labels: z.string().min(1).describe('CSV of volume paths (relative to it) and labels; relative to `path` itself'),
    ...columns,
    slices: slicesSchema.default(slicesSchema.parse({})).describe('Which 2D slices each volume gives'),
    window: windowSchema.optional().describe('Intensity window (default: each volume’s 0.5–99.5 percentile range)'),
    ...decodedOptions,
  })
  .strict();

export const DATASET_TYPES = ['synthetic', 'medmnist', 'idx', 'folder', 'csv', 'dicom', 'nifti'] as const;

export const datasetSchema = z.discriminatedUnion('type', [
  syntheticDataset,
  medmnistDataset,
  idxDataset,
  folderDataset,
  csvDataset,
  dicomDataset,
  niftiDataset,
]);

const inputShape = z
  .tuple([
    positiveInt.min(MIN_INPUT_SIZE).max(1024),
    positiveInt.min(MIN_INPUT_SIZE).max(1024),
    z.number().int().min(1).max(4),
  ])
  .describe('[height, width, channels]; images are resized and converted to it');

const modelSchema = z
  .object({
    architecture: z.enum(ARCHITECTURES),
    inputShape: inputShape.default([28, 28, 1]),
    dropout: z.number().min(0).max(0.9).default(0.3).describe('Dropout before the classifier head'),
  })
  .strict()
  .superRefine((model, context) => {
    const [height, width] = model.inputShape;
    const minimum = ARCHITECTURE_MIN_SIZE[model.architecture];
    if (height >= minimum.size && width >= minimum.size) return;
    const others = ARCHITECTURES.filter((name) => ARCHITECTURE_MIN_SIZE[name].size <= Math.min(height, width));
    context.addIssue({
      code: 'custom',
      path: ['inputShape'],
      message:
        `${model.architecture} needs images of at least ${minimum.size}×${minimum.size} (${minimum.reason}); ` +
        `this is ${height}×${width}: give a larger inputShape` +
        (others.length > 0 ? `, or use ${others.join(' or ')}` : ''),
    });
  });

const sampling = {
  fraction: z.number().gt(0).max(1).optional().describe('Share of the training split to keep (stratified, seeded)'),
  labelsPerClass: positiveInt.optional().describe('Labelled training images kept per class (stratified, seeded)'),
};

const sourceSchema = z
  .object({
    dataset: datasetSchema,
    epochs: positiveInt.max(1000).default(2),
    learningRate: learningRate.optional().describe('Defaults to training.learningRate'),
    ...sampling,
  })
  .strict();

const targetSchema = z
  .object({
    dataset: datasetSchema,
    classes: z.array(z.string().min(1)).min(2).optional().describe('Display names of the classes, in label order'),
    validationFraction: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.2)
      .describe('Share of the training split held out for validation when the data has no validation split'),
    ...sampling,
  })
  .strict();

const fineTuneSchema = z
  .object({
    strategy: z.enum(STRATEGIES).default('two-phase'),
    headEpochs: nonNegativeInt.max(1000).default(5).describe('Epochs training the new head with the base frozen'),
    epochs: nonNegativeInt.max(1000).default(10).describe('Epochs of fine-tuning after the head phase'),
    learningRate: learningRate
      .default(1e-4)
      .describe('Learning rate of the fine-tuning phase (low, as Keras recommends)'),
    trainableBlocks: positiveInt.max(100).default(1).describe('partial: how many of the top blocks are trained'),
    learningRateDecay: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .describe(
        'Discriminative learning rates in the fine-tuning phase: the head learns at learningRate, the top base ' +
          'block at learningRate × this, each block below at this times the rate of the block above; 1: one rate',
      ),
  })
  .strict();

const earlyStoppingSchema = z
  .object({
    monitor: z.enum(MONITORS).default('val_auc'),
    patience: positiveInt.max(1000).default(3),
    restoreBest: z.boolean().default(true).describe('Restore the weights of the best epoch when the phase ends'),
  })
  .strict();

const augmentationSchema = z
  .object({
    flip: z.enum(['none', 'horizontal', 'vertical', 'both']).default('none'),
    rotate: z.number().min(0).max(180).default(0).describe('Maximum rotation in degrees'),
    shift: z.number().min(0).max(0.5).default(0).describe('Maximum shift as a fraction of the image size'),
    brightness: z.number().min(0).max(1).default(0).describe('Maximum brightness change'),
  })
  .strict();

const trainingSchema = z
  .object({
    batchSize: positiveInt.max(4096).default(64),
    microBatchSize: positiveInt
      .max(4096)
      .optional()
      .describe(
        'Images a training step computes at once: a larger batch is split and its gradients summed before one update ' +
          '(for batches too large for the backend’s memory; batch norm in training mode sees each part)',
      ),
    optimizer: z.enum(OPTIMIZERS).default('adam'),
    learningRate: learningRate.default(1e-3),
    earlyStopping: earlyStoppingSchema.optional(),
    augmentation: augmentationSchema.optional(),
    classWeights: z.enum(['none', 'balanced']).default('none'),
    cacheFrozenFeatures: z
      .boolean()
      .default(true)
      .describe(
        'Compute the frozen layers once per image and train the rest on their outputs (phases without augmentation)',
      ),
  })
  .strict();

const baselineSchema = z
  .object({
    scratch: z.boolean().default(true),
    epochs: positiveInt
      .max(1000)
      .optional()
      .describe('Defaults to the fine-tuned model’s epoch budget (headEpochs + epochs)'),
  })
  .strict();

const bootstrapSchema = z
  .object({
    resamples: nonNegativeInt
      .max(100_000)
      .default(1000)
      .describe('Stratified bootstrap resamples for the confidence intervals; 0 turns them off'),
    level: z.number().gt(0.5).lt(1).default(0.95).describe('Confidence level of the intervals'),
    seed: nonNegativeInt.optional().describe('Seed of the resampling; defaults to the experiment’s seed'),
  })
  .strict();

const operatingPointSchema = z
  .object({
    rule: z
      .enum(['youden', 'sensitivity', 'specificity', 'default'])
      .default('youden')
      .describe(
        'How the threshold is chosen on the validation split: Youden’s J (max sensitivity + specificity − 1), ' +
          'the highest threshold reaching a target sensitivity, or specificity; default: 0.5',
      ),
    target: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe('rule sensitivity/specificity: the value to reach on the validation split, e.g. 0.9'),
  })
  .strict();

const calibrationSchema = z
  .object({
    bins: positiveInt.min(2).max(100).default(15).describe('Equal-width bins of the reliability diagram and the ECE'),
    temperatureScaling: z
      .boolean()
      .default(false)
      .describe('Fit a temperature on the validation split and divide the logits by it before every test-split metric'),
  })
  .strict();

const saliencySchema = z
  .object({
    samplesPerClass: nonNegativeInt
      .max(20)
      .default(2)
      .describe(
        'Evaluation images explained per class and outcome (correct, wrong) of each model, ' +
          'fine-tuned and scratch side by side; 0 turns saliency maps off',
      ),
    method: z
      .enum(['auto', 'grad-cam', 'hirescam', 'smoothgrad'])
      .default('auto')
      .describe(
        'auto: Grad-CAM on the last convolutional feature map when it is pooled, ' +
          'HiResCAM when it is flattened into dense layers, SmoothGrad for models without one',
      ),
  })
  .strict();

const evaluationSchema = z
  .object({
    split: z.enum(['test', 'val']).default('test'),
    positiveClass: z
      .union([z.string().min(1), nonNegativeInt])
      .optional()
      .describe('Class name or index counted as positive'),
    bootstrap: bootstrapSchema
      .default(bootstrapSchema.parse({}))
      .describe('Confidence intervals of the metrics and the transfer gain'),
    operatingPoint: operatingPointSchema
      .default(operatingPointSchema.parse({}))
      .describe('Binary tasks: the threshold on the positive class’s probability, chosen on the validation split'),
    calibration: calibrationSchema.default(calibrationSchema.parse({})),
    saliency: saliencySchema
      .default(saliencySchema.parse({}))
      .describe('Saliency maps (what the models looked at) for a seeded sample of evaluation images, in saliency.json'),
  })
  .strict()
  .superRefine((evaluation, context) => {
    const { rule, target } = evaluation.operatingPoint;
    if ((rule === 'sensitivity' || rule === 'specificity') && target === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['operatingPoint', 'rule'],
        message: `rule \`${rule}\` needs a \`target\` ${rule} between 0 and 1, e.g. 0.9`,
      });
    }
    if ((rule === 'youden' || rule === 'default') && target !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['operatingPoint', 'target'],
        message: `\`target\` applies to rule \`sensitivity\` or \`specificity\`, not \`${rule}\``,
      });
    }
  });

export const experimentSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(PLAIN_NAME_PATTERN, `${PLAIN_NAME_RULE} (it names the runs folder)`).max(80),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().default(42),
    seeds: z
      .array(z.number().int().nonnegative())
      .min(1)
      .max(50)
      .optional()
      .describe(
        'Repeat the whole run once per seed (one run folder each) and report mean ± sd across them; overrides `seed`',
      ),
    backend: z.enum(BACKEND_CHOICES).default('auto'),
    model: modelSchema,
    source: sourceSchema.optional(),
    pretrained: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A saved TF.js model folder (e.g. a run’s model/) or a weight file (.pth, .pt, .bin, .safetensors, .h5) to start from',
      ),
    preprocessing: z
      .enum(PREPROCESSING_CHOICES)
      .optional()
      .describe(
        'How images in [0, 1] are prepared for the pretrained base; by default what its weights need ' +
          '(imagenet for torchvision and timm files, caffe for Keras .h5, a model folder’s own)',
      ),
    target: targetSchema,
    fineTune: fineTuneSchema.default(fineTuneSchema.parse({})),
    training: trainingSchema.default(trainingSchema.parse({})),
    baseline: baselineSchema.default(baselineSchema.parse({})),
    evaluation: evaluationSchema.default(evaluationSchema.parse({})),
  })
  .strict()
  .superRefine((experiment, context) => {
    if (experiment.source && experiment.pretrained) {
      context.addIssue({
        code: 'custom',
        path: ['pretrained'],
        message: 'give either `source` or `pretrained`, not both',
      });
    }
    if (!experiment.source && !experiment.pretrained) {
      context.addIssue({
        code: 'custom',
        path: [],
        message: 'missing `source` (a task to pretrain on) or `pretrained` (a saved model)',
      });
    }
    if (experiment.preprocessing && !experiment.pretrained) {
      context.addIssue({
        code: 'custom',
        path: ['preprocessing'],
        message: '`preprocessing` prepares images for a `pretrained` base: a base pretrained on `source` takes [0, 1]',
      });
    }
    if (experiment.seeds && new Set(experiment.seeds).size !== experiment.seeds.length) {
      context.addIssue({
        code: 'custom',
        path: ['seeds'],
        message: 'each seed once: a repeated seed repeats the same run',
      });
    }
    for (const part of ['source', 'target'] as const) {
      const sampled = experiment[part];
      if (sampled?.fraction !== undefined && sampled.labelsPerClass !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [part, 'labelsPerClass'],
          message: 'give either `fraction` or `labelsPerClass`, not both',
        });
      }
    }
  });

/** An experiment as written (defaults not yet applied). */
export type ExperimentInput = z.input<typeof experimentSchema>;
/** An experiment with every default applied. */
export type Experiment = z.output<typeof experimentSchema>;
export type DatasetSpec = z.output<typeof datasetSchema>;
export type DatasetSpecInput = z.input<typeof datasetSchema>;
export type DatasetType = (typeof DATASET_TYPES)[number];
export type ResizeMode = z.output<typeof resize>;
export type IntensityWindow = z.output<typeof windowSchema>;
export type SliceSpec = z.output<typeof slicesSchema>;
export type ModelSpec = Experiment['model'];
export type Architecture = (typeof ARCHITECTURES)[number];
export type Strategy = (typeof STRATEGIES)[number];
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type Augmentation = z.output<typeof augmentationSchema>;
export type EarlyStopping = z.output<typeof earlyStoppingSchema>;
export type Monitor = (typeof MONITORS)[number];
export type EvaluationSpec = Experiment['evaluation'];
