// The steps of a run, in order. The plan (plan.ts) decides which run: a step of a phase runs
// when the plan has the phase (and its `when`, if any, agrees), a step without a phase runs when
// its `when` does, or always. Each step reads what earlier steps left in the RunContext and adds
// its own. A new phase is a step here (and its epochs in the plan); a new kind of model is a step
// that builds it into RunContext.models.
//
// A resumed run runs the same steps: every model is built again (a checkpoint holds weights, not
// architectures), and each training phase asks RunCheckpoints whether the checkpoint is past it
// (skip: its weights come with the checkpoint's), in it (restore and go on) or before it (train).
import type { Phase } from '../../shared/run/events';
import { dataNotes, dataWarnings, loadRunData, summarizeDataset } from './loadRunData';
import { evaluate, explainSample } from './evaluationSteps';
import { positiveClassIndex, targetClassNames } from './classes';
import type { RunPlan } from './plan';
import type { RunContext } from './runContext';
import { loadPretrainedSource, pretrainSource } from './sourceModel';
import { attachNewHead, fineTune, trainHead, trainScratch } from './targetModels';

export interface RunStep {
  /** What the step does, for readers and tests. */
  name: string;
  /** The phase the step runs, when it is one. */
  phase?: Phase;
  /** Whether the step is in a run of this plan (besides its phase being in it). */
  when?: (plan: RunPlan) => boolean;
  run: (context: RunContext) => Promise<void> | void;
}

export const RUN_STEPS: readonly RunStep[] = [
  {
    name: 'load the pretrained model',
    phase: 'source',
    when: (plan) => plan.base === 'pretrained',
    run: loadPretrainedSource,
  },
  { name: 'load the data', run: loadData },
  {
    name: 'pretrain on the source task',
    phase: 'source',
    when: (plan) => plan.base === 'pretrain',
    run: pretrainSource,
  },
  { name: 'attach a new head to the transferred base', run: attachNewHead },
  { name: 'train the head', phase: 'head', run: trainHead },
  { name: 'fine-tune', phase: 'finetune', run: fineTune },
  { name: 'train the scratch baseline', phase: 'scratch', run: trainScratch },
  { name: 'check that a resumed run reached its checkpoint', run: checkpointReached },
  { name: 'evaluate', phase: 'evaluate', run: evaluate },
  { name: 'saliency maps', run: explainSample },
];

/** The steps of a run of `plan`, in order. */
export function stepsOf(plan: RunPlan): RunStep[] {
  return RUN_STEPS.filter(
    (step) => (step.phase === undefined || plan.phases.includes(step.phase)) && (step.when?.(plan) ?? true),
  );
}

async function loadData(context: RunContext): Promise<void> {
  const { experiment, events } = context;
  const data = await loadRunData(experiment, context.shape, context.targetShape, (progress) =>
    events.emit({ type: 'data-progress', ...progress }),
  );
  // Set before the positive class is checked, so that metrics.json names them if that fails.
  context.classes = targetClassNames(experiment, data.target.classes);
  const positiveClass = positiveClassIndex(experiment, context.classes);
  context.setData(data, { data: data.target, classes: context.classes, positiveClass, targetTask: true });
  events.emit({
    type: 'data-loaded',
    source: data.source ? summarizeDataset(data.source) : null,
    target: summarizeDataset(data.target, context.classes),
  });
  for (const warning of dataWarnings(data)) events.log('warn', warning);
  for (const note of dataNotes(data)) events.log('info', note);
}

/** A checkpoint of a phase this experiment does not have would otherwise be silently ignored. */
function checkpointReached(context: RunContext): void {
  if (!context.checkpoints.resuming) return;
  throw new Error(
    `the checkpoint's phase (${context.request.resume?.checkpoint.phase ?? '?'}) ` +
      `is not in this experiment's plan (${context.plan.phases.join(', ')})`,
  );
}
