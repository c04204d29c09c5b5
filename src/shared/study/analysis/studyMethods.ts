// The methods paragraph of a study: how each number was made, for study.json, the terminal and
// the report, in words a reader of a paper expects.
import type { GoalMetric } from '../studySchema';

const METRIC_NAMES: Record<GoalMetric, string> = {
  auc: 'AUC',
  balancedAccuracy: 'balanced accuracy',
  sensitivity: 'sensitivity',
  specificity: 'specificity',
};

export function metricName(metric: GoalMetric): string {
  return METRIC_NAMES[metric];
}

export function studyMethods(options: {
  seeds: number;
  level: number;
  metric: GoalMetric;
  curves: boolean;
  fitted: boolean;
  goal: { metric: GoalMetric; value: number } | null;
}): string {
  const percent = `${Math.round(options.level * 100)}%`;
  const seeds = `${options.seeds} seed${options.seeds === 1 ? '' : 's'}`;
  const sentences = [
    `Every point of the grid was run with ${seeds}; each run fine-tunes the pretrained model and trains ` +
      'the same architecture from scratch on the same labels, and both are evaluated on the same test cases.',
    `Each metric is the mean over seeds with a ${percent} interval combining two sources of uncertainty: ` +
      'the variation between seeds (its variance divided by the number of seeds) and the test-set ' +
      'sampling error, taken from each run’s stratified bootstrap interval as a standard error and ' +
      'averaged over the seeds (it is not divided by the number of seeds, since every seed is tested ' +
      'on the same cases); the interval is the mean ± t·√(sum), with Welch–Satterthwaite degrees of ' +
      'freedom, clipped to the metric’s range.',
    'Sensitivity, specificity and balanced accuracy are taken at each model’s operating point, ' +
      'chosen on the validation split.',
    'The gain is fine-tuned minus scratch, per seed from a paired bootstrap over the same test cases, ' +
      'combined the same way; DeLong’s test compares the two AUCs of each seed.',
  ];
  if (options.curves) {
    sentences.push(
      `Learning curves: 1 − ${metricName(options.metric)} = a·n^(−b) + c, n the training labels per class, ` +
        'fitted per model by least squares (Levenberg–Marquardt) over every completed run, ' +
        'with the parameter covariance from the residual variance.',
    );
    if (options.goal)
      sentences.push(
        `The labels per class needed to reach ${metricName(options.goal.metric)} ${options.goal.value} ` +
          `solve the fitted curve; their ${percent} interval comes from the delta method on log n, and an ` +
          'estimate above the largest label count measured is reported as beyond the data. ' +
          'The label-saving factor is scratch’s labels over the fine-tuned model’s.',
      );
    sentences.push(
      'The crossover is the smallest label count from which the gain’s interval includes 0, ' +
        'at it and at every larger count.',
    );
  }
  return sentences.join(' ');
}
