// The `evaluate` phase's numbers: each model predicts the evaluated and the validation split
// once; evaluation/ turns the probabilities into metrics with CIs, curves, calibration and the
// operating point (one `evaluation` event per model), then compares fine-tuned with scratch
// (a `comparison` event). The decision rules go into the saved models' metadata.json.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Experiment } from '../../shared/experiment/schema';
import type { EvaluatedModel } from '../../shared/run/events';
import type { ClinicalMetrics, ModelComparison } from '../../shared/run/metrics';
import type { ImageSet } from '../data/dataset';
import { decisionRuleOf, evaluateScores } from '../evaluation/clinicalEvaluation';
import type { DecisionRule, ModelEvaluation } from '../evaluation/clinicalEvaluation';
import { compareModels } from '../evaluation/compareModels';
import type { EventStream } from '../run/eventStream';
import { predictProbabilities } from '../training/predict';

export interface EvaluationData {
  val: ImageSet;
  test: ImageSet;
}

export interface EvaluationOutcome {
  evaluations: Partial<Record<EvaluatedModel, ClinicalMetrics>>;
  comparison: ModelComparison | null;
  decisions: Partial<Record<EvaluatedModel, DecisionRule>>;
}

export function evaluateModels(
  models: [EvaluatedModel, LayersModel | null][],
  data: EvaluationData,
  classes: string[],
  positiveClass: number | null,
  experiment: Experiment,
  events: EventStream,
): EvaluationOutcome {
  const split = experiment.evaluation.split;
  const batchSize = Math.max(experiment.training.batchSize, 128);
  const outcome: EvaluationOutcome = { evaluations: {}, comparison: null, decisions: {} };
  const evaluated: Partial<Record<EvaluatedModel, ModelEvaluation>> = {};
  let statisticsMs = 0;
  for (const [name, model] of models) {
    if (!model) continue;
    const evaluatedScores = {
      probabilities: predictProbabilities(model, data[split], batchSize),
      labels: data[split].labels,
    };
    const validation =
      split === 'val'
        ? evaluatedScores
        : { probabilities: predictProbabilities(model, data.val, batchSize), labels: data.val.labels };
    const started = performance.now();
    const evaluation = evaluateScores({
      evaluated: evaluatedScores,
      validation,
      classes,
      positiveClass,
      settings: experiment.evaluation,
      seed: experiment.seed,
    });
    statisticsMs += performance.now() - started;
    evaluated[name] = evaluation;
    outcome.evaluations[name] = evaluation.metrics;
    const decision = decisionRuleOf(evaluation);
    if (decision) outcome.decisions[name] = decision;
    events.emit({ type: 'evaluation', model: name, split, metrics: evaluation.metrics });
  }
  const fineTuned = evaluated['fine-tuned'];
  const scratch = evaluated.scratch;
  if (fineTuned && scratch) {
    const started = performance.now();
    outcome.comparison = compareModels(fineTuned, scratch, split, classes);
    statisticsMs += performance.now() - started;
    events.emit({ type: 'comparison', comparison: outcome.comparison });
  }
  const resamples = experiment.evaluation.bootstrap.resamples;
  events.log(
    'info',
    `evaluation statistics (${resamples > 0 ? `${resamples} stratified bootstrap resamples` : 'no bootstrap'}, ` +
      `curves, calibration${fineTuned && scratch ? ', DeLong' : ''}) took ${Math.round(statisticsMs)} ms`,
  );
  return outcome;
}
