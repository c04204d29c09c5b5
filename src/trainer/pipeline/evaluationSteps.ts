// The end of a run's steps (runSteps.ts): the `evaluate` phase on the evaluation split, then
// saliency maps of a sample of its images, for every target model the run built.
import { EVALUATED_MODELS } from '../../shared/run/events';
import { writeRunSaliency } from '../explain/runSaliency';
import { operatingPointOfRule } from '../evaluation/clinicalEvaluation';
import { evaluateModels } from './evaluateModels';
import type { RunContext } from './runContext';
import { errorMessage } from '../../shared/errors/errorMessage';
import { counted } from '../../shared/text/plural';

/** Step: the `evaluate` phase; its decision rules go with the saved models. */
export function evaluate(context: RunContext): void {
  const { experiment, events } = context;
  const { data, classes, positiveClass } = context.target;
  const started = performance.now();
  const split = experiment.evaluation.split;
  events.emit({
    type: 'phase-started',
    phase: 'evaluate',
    description: `evaluate on the ${split} split (${counted(data[split].count, 'image')})`,
    epochs: 0,
    batchesPerEpoch: 0,
    learningRate: null,
    trainableParams: 0,
    totalParams: 0,
  });
  context.evaluation = evaluateModels(
    EVALUATED_MODELS.map((model) => [model, context.models.classifier(model)?.model ?? null]),
    data,
    classes,
    positiveClass,
    experiment,
    events,
  );
  events.emit({
    type: 'phase-ended',
    phase: 'evaluate',
    epochsRun: 0,
    stoppedEarly: false,
    bestEpoch: null,
    seconds: (performance.now() - started) / 1000,
  });
}

/** Step: saliency maps are extras: when they fail, the run still completes, with a warning. */
export function explainSample(context: RunContext): void {
  const { experiment, events } = context;
  const { data, classes } = context.target;
  const decisions = context.evaluation?.decisions ?? {};
  const models = EVALUATED_MODELS.flatMap((model) => {
    const classifier = context.models.classifier(model);
    const decision = decisions[model];
    return classifier
      ? [{ model, classifier: classifier.model, decision: decision ? operatingPointOfRule(decision) : null }]
      : [];
  });
  try {
    writeRunSaliency({
      experiment,
      runDir: context.request.runDir,
      set: data[experiment.evaluation.split],
      classes,
      events,
      models,
    });
  } catch (error) {
    events.log('warn', `no saliency maps: ${errorMessage(error)}`);
  }
}
