// The model card (Mitchell et al. 2019, https://arxiv.org/abs/1810.03993), filled from the run:
// what the model is for, where its data came from, how it was trained, and the limitations the
// run itself shows (one dataset, a small test set, imbalance, few labels, a gain whose interval
// spans zero, poor calibration).
import type { DatasetSpec, Experiment } from '../../../shared/experiment/schema';
import type { Section } from '../document';
import { formatNumber } from '../reportFormat';
import type { ReportData } from '../reportData';
import { finalMetrics } from './overview';
import { runEndStatus } from './runEnd';
import { counted } from '../../../shared/text/plural';

export const NOT_A_MEDICAL_DEVICE = {
  title: 'Not a medical device. Not for clinical use.',
  text:
    'This model was trained for research and teaching with MedTransfer. ' +
    'It has not been validated clinically or approved by any regulator, ' +
    'and must not be used to diagnose, treat or triage patients.',
};

const SMALL_TEST_SET = 100;

function describeDataset(spec: DatasetSpec): string {
  switch (spec.type) {
    case 'synthetic':
      return `MedTransfer's built-in synthetic ${spec.task} task (generated images, no patient data)`;
    case 'medmnist':
      return 'a MedMNIST .npz file (public, de-identified benchmark images)';
    case 'idx':
      return 'MNIST-style IDX files';
    case 'folder':
      return 'a folder of PNG/JPEG images, one subfolder per class';
    case 'csv':
      return 'images listed with labels in a CSV table';
    case 'dicom':
      return 'DICOM files';
    case 'nifti':
      return 'NIfTI volumes, sliced into 2D images';
  }
}

function total(counts: number[] | undefined): number {
  return (counts ?? []).reduce((a, b) => a + b, 0);
}

export function limitations(data: ReportData): string[] {
  const found: string[] = [];
  const experiment = data.experiment;
  const target = data.state.target;
  const models = finalMetrics(data);
  const fineTuned = models['fine-tuned'] ?? models.scratch;
  if (experiment) {
    found.push(
      `Trained and evaluated on one dataset (${target?.description ?? experiment.target.dataset.type}): ` +
        'how the model does at another site, on another scanner or in another population is unknown.',
    );
    if (experiment.target.dataset.type === 'synthetic')
      found.push('The target data is synthetic: the numbers say nothing about any clinical task.');
    if (experiment.target.labelsPerClass !== undefined || (experiment.target.fraction ?? 1) < 1) {
      const labelled =
        experiment.target.labelsPerClass !== undefined
          ? `${experiment.target.labelsPerClass} per class`
          : `${(experiment.target.fraction ?? 1) * 100}% of the training split`;
      found.push(`Few labels: ${total(target?.sizes.train)} training images (${labelled}).`);
    }
    if (experiment.evaluation.split === 'val')
      found.push(
        'Evaluated on the validation split, which also chose the early-stopping epoch and the threshold: ' +
          'the numbers are optimistic.',
      );
    const [height, width] = experiment.model.inputShape;
    if (height * width <= 64 * 64)
      found.push(`Images are downsampled to ${height}×${width}: fine detail a reader would use is lost.`);
  }
  const evaluatedCount = fineTuned?.count ?? total(target?.sizes.test);
  if (evaluatedCount > 0 && evaluatedCount < SMALL_TEST_SET) {
    const auc = fineTuned?.intervals?.auc;
    found.push(
      `Small evaluation set (n = ${evaluatedCount} < ${SMALL_TEST_SET}): the confidence intervals are wide` +
        `${auc ? ` (AUC ${formatNumber(auc.low)} to ${formatNumber(auc.high)})` : ''}.`,
    );
  }
  const train = target?.sizes.train ?? [];
  const smallest = Math.min(...train);
  const largest = Math.max(...train);
  if (train.length > 1 && smallest > 0 && largest / smallest >= 3) {
    const names = target?.classes ?? [];
    found.push(
      `Class imbalance in training: ${names.map((name, index) => `${name} ${train[index] ?? 0}`).join(', ')} ` +
        `(${(largest / smallest).toFixed(1)}:1). ` +
        'Accuracy flatters a model that favours the larger class; read balanced accuracy, sensitivity and specificity.',
    );
  }
  const gain = (data.metrics?.comparison ?? data.state.comparison)?.gain.auc;
  if (gain && gain.low <= 0 && gain.high >= 0)
    found.push(
      `The transfer gain in AUC (${formatNumber(gain.estimate)}) has an interval that includes zero ` +
        `(${formatNumber(gain.low)} to ${formatNumber(gain.high)}): this run does not show that pretraining helped.`,
    );
  for (const [name, metrics] of Object.entries(models)) {
    const ece = metrics?.calibration?.ece;
    if (ece !== null && ece !== undefined && ece > 0.1)
      found.push(
        `The ${name} model's probabilities are poorly calibrated (ECE ${formatNumber(ece)}): ` +
          'read them as scores, not as risks.',
      );
  }
  const { status } = data.state;
  if (status === 'running' || status === 'interrupted')
    found.push(
      `The run did not complete (status ${runEndStatus(data)}): its trainer had not saved the models of this ` +
        'attempt; any in the run folder were saved when an earlier attempt stopped.',
    );
  else if (status !== 'completed')
    found.push(`The run did not complete (status ${runEndStatus(data)}): the models are those saved when it ended.`);
  found.push(
    'Saliency maps are a rough guide to where the evidence lies, ' +
      'not a proof that the model uses clinically meaningful features.',
  );
  return found;
}

function trainingProcedure(experiment: Experiment, data: ReportData): string[] {
  const items = [
    `Architecture ${experiment.model.architecture}, input ${experiment.model.inputShape.join('×')}, ` +
      `dropout ${experiment.model.dropout}.`,
    experiment.pretrained
      ? `Started from a saved model (${experiment.pretrained.split(/[\\/]/).pop() ?? ''}).`
      : `Pretrained on the source task for ${counted(experiment.source?.epochs ?? 0, 'epoch')}.`,
    `Fine-tuned with strategy ${experiment.fineTune.strategy}: ` +
      `${counted(experiment.fineTune.headEpochs, 'head epoch')} at ${experiment.training.learningRate}, ` +
      `${counted(experiment.fineTune.epochs, 'fine-tuning epoch')} at ${experiment.fineTune.learningRate}; ` +
      `optimizer ${experiment.training.optimizer}, batch size ${experiment.training.batchSize}.`,
    experiment.baseline.scratch
      ? 'Baseline: the same architecture trained from random weights on the same target data and epoch budget.'
      : 'No scratch baseline was trained.',
    `Seed ${experiment.seed}; backend ${data.state.backend ?? 'unknown'}.`,
  ];
  for (const source of data.weightsSources) items.push(`${source.folder}/: ${source.weightsSource}.`);
  return items;
}

export function modelCardSection(data: ReportData): Section {
  const experiment = data.experiment;
  const blocks: Section['blocks'] = [{ kind: 'warning', ...NOT_A_MEDICAL_DEVICE }];
  const classes = data.metrics?.classes ?? data.state.target?.classes ?? [];
  blocks.push({
    kind: 'paragraph',
    text:
      `Model: an image classifier for ${classes.length} classes (${classes.join(', ')}), ` +
      `from the experiment ${data.state.experimentName ?? experiment?.name ?? ''}, ` +
      `run ${data.state.runId ?? data.metrics?.runId ?? ''}. ` +
      'Files: model/ (fine-tuned) and scratch-model/ (baseline), TF.js layers models with metadata.json.',
  });
  blocks.push({
    kind: 'paragraph',
    text:
      'Intended use: research on transfer learning for medical images, teaching, ' +
      'and comparing a fine-tuned model with one trained from scratch on the same data. ' +
      'Out of scope: any clinical decision, any use on patients, and any data unlike the training data.',
  });
  if (experiment) {
    const provenance = [
      `Target: ${describeDataset(experiment.target.dataset)}` +
        `${data.state.target ? `, ${data.state.target.description}` : ''}.`,
    ];
    if (experiment.source)
      provenance.push(
        `Source (pretraining): ${describeDataset(experiment.source.dataset)}` +
          `${data.state.source ? `, ${data.state.source.description}` : ''}.`,
      );
    provenance.push(
      'The report holds no patient data: saliency examples are the preprocessed model inputs, ' +
        'identified by their index in the split; DICOM identifying tags are never read.',
    );
    blocks.push({ kind: 'paragraph', text: 'Data provenance:' }, { kind: 'list', items: provenance });
    blocks.push(
      { kind: 'paragraph', text: 'Training procedure:' },
      { kind: 'list', items: trainingProcedure(experiment, data) },
    );
  }
  blocks.push({ kind: 'paragraph', text: 'Limitations (from this run):' }, { kind: 'list', items: limitations(data) });
  blocks.push(
    { kind: 'paragraph', text: 'Ethical considerations:' },
    {
      kind: 'list',
      items: [
        'Performance was not measured per sex, age, ethnicity, site or device; ' +
          'errors may fall unevenly on groups of patients.',
        'Labels carry their source’s errors and biases; a model learns them too, ' +
          'including shortcuts (markers, text, scanner differences) that saliency maps may reveal.',
        'Patient data used to train or test a model must be handled under the applicable consent ' +
          'and data-protection rules.',
      ],
    },
  );
  return { id: 'model-card', title: 'Model card', blocks };
}
