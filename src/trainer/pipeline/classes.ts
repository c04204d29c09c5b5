import type { Experiment } from '../../shared/experiment/schema';
import { ExperimentError } from '../experiment/experimentError';
import { counted } from '../../shared/text/plural';

/** Display names: the experiment's `target.classes` when given (they must match the data), else the data's. */
export function targetClassNames(experiment: Experiment, dataClasses: string[]): string[] {
  const named = experiment.target.classes;
  if (!named) return dataClasses;
  if (named.length !== dataClasses.length) {
    const dataset = experiment.target.dataset;
    const where = 'path' in dataset ? `${dataset.path}: ` : '';
    throw new ExperimentError(
      `${where}the target data has ${counted(dataClasses.length, 'class', { plural: 'classes' })} ` +
        `(${dataClasses.join(', ')}) ` +
        `but target.classes names ${named.length} (${named.join(', ')}): ` +
        `give one name per class, in label order, or remove target.classes to use the data's own names`,
    );
  }
  return named;
}

/**
 * Index of the positive class: `evaluation.positiveClass` (name or index), class 1 by default.
 * Only binary tasks have one: with more classes every class is reported one-vs-rest.
 */
export function positiveClassIndex(experiment: Experiment, classes: string[]): number | null {
  const wanted = experiment.evaluation.positiveClass;
  if (classes.length !== 2) {
    if (wanted !== undefined)
      throw new ExperimentError(
        'evaluation.positiveClass applies to binary tasks; ' +
          `the target has ${classes.length} classes (${classes.join(', ')}): remove it to get every class one-vs-rest`,
      );
    return null;
  }
  if (wanted === undefined) return 1;
  const index = typeof wanted === 'number' ? wanted : classes.indexOf(wanted);
  if (index < 0 || index >= classes.length) {
    throw new ExperimentError(
      `evaluation.positiveClass \`${wanted}\` is not one of the target classes (${classes.join(', ')})`,
    );
  }
  return index;
}
