// Which phases a run has and how many epochs each gets, from the experiment alone (pure).
//  feature-extraction: head only (base frozen), `headEpochs`.
//  partial:   head (`headEpochs`), then the top `trainableBlocks` blocks with the head (`epochs`, low rate).
//  full:      everything trainable from the start (`epochs`, low rate).
//  two-phase: head (`headEpochs`), then everything (`epochs`, low rate) — the Keras recipe.
// The scratch baseline gets the same epoch budget as the fine-tuned model unless `baseline.epochs` says otherwise.
import type { Experiment } from '../../shared/experiment/schema';
import type { Phase } from '../../shared/run/events';

export interface RunPlan {
  /** The run's phases in order, as run-started announces them; the steps of a phase run when it is here. */
  phases: Phase[];
  /** Where the transferred base comes from: a saved model (`pretrained`), or pretraining on `source`. */
  base: 'pretrained' | 'pretrain';
  sourceEpochs: number;
  headEpochs: number;
  fineTuneEpochs: number;
  scratchEpochs: number;
}

export function planRun(experiment: Experiment): RunPlan {
  const { strategy } = experiment.fineTune;
  const headEpochs = strategy === 'full' ? 0 : experiment.fineTune.headEpochs;
  const fineTuneEpochs = strategy === 'feature-extraction' ? 0 : experiment.fineTune.epochs;
  const scratchEpochs = experiment.baseline.scratch
    ? (experiment.baseline.epochs ?? Math.max(1, headEpochs + fineTuneEpochs))
    : 0;
  const phases: Phase[] = ['source'];
  if (headEpochs > 0) phases.push('head');
  if (fineTuneEpochs > 0) phases.push('finetune');
  if (scratchEpochs > 0) phases.push('scratch');
  phases.push('evaluate');
  return {
    phases,
    base: experiment.pretrained ? 'pretrained' : 'pretrain',
    sourceEpochs: experiment.source ? experiment.source.epochs : 0,
    headEpochs,
    fineTuneEpochs,
    scratchEpochs,
  };
}
