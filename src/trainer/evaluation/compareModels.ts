// Fine-tuned vs scratch on the same cases: the transfer gain with paired, stratified bootstrap
// CIs (each resample scores both models on the same cases), and DeLong's test of the AUCs.
import type { ModelComparison } from '../../shared/run/metrics';
import { bootstrap } from './bootstrap';
import { bootstrapSettingsOf, intervalAt } from './clinicalEvaluation';
import type { ModelEvaluation } from './clinicalEvaluation';
import { delongPairedTest } from './delong';
import { HEADLINE, differenceStatistic } from './weightedMetrics';

export function compareModels(
  fineTuned: ModelEvaluation,
  scratch: ModelEvaluation,
  split: 'test' | 'val',
  classes: string[],
): ModelComparison {
  if (
    fineTuned.labels.length !== scratch.labels.length ||
    fineTuned.labels.some((label, i) => label !== scratch.labels[i])
  ) {
    throw new Error('compareModels: the two models were evaluated on different cases');
  }
  const difference = differenceStatistic(fineTuned.statistic, scratch.statistic);
  const options = fineTuned.bootstrap;
  const { estimates, intervals } = options
    ? bootstrap(difference, fineTuned.labels, fineTuned.classCount, options)
    : { estimates: difference(null), intervals: [] };
  const at = (index: number) => (options ? intervalAt(estimates, intervals, index) : null);

  let delong: ModelComparison['delong'] = null;
  const positiveClass = fineTuned.positiveClass;
  if (positiveClass !== null) {
    const k = fineTuned.classCount;
    const column = (probabilities: Float32Array) =>
      Float64Array.from({ length: fineTuned.labels.length }, (_, i) => probabilities[i * k + positiveClass] as number);
    const test = delongPairedTest(
      column(fineTuned.probabilities),
      column(scratch.probabilities),
      Array.from(fineTuned.labels, (label) => label === positiveClass),
      options?.level ?? 0.95,
    );
    if (test) {
      delong = {
        className: classes[positiveClass] ?? String(positiveClass),
        fineTunedAuc: test.aucA,
        scratchAuc: test.aucB,
        aucDifference: test.difference,
        standardError: test.standardError,
        z: test.z,
        pValue: test.pValue,
        ci: test.ci,
      };
    }
  }
  return {
    split,
    bootstrap: options ? bootstrapSettingsOf(options) : null,
    gain: {
      auc: at(HEADLINE.auc),
      sensitivity: at(HEADLINE.sensitivity),
      specificity: at(HEADLINE.specificity),
      balancedAccuracy: at(HEADLINE.balancedAccuracy),
    },
    delong,
  };
}
