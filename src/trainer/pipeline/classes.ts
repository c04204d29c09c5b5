import type { Experiment } from '../../shared/experiment/schema';

/** Display names: the experiment's `target.classes` when given (they must match the data), else the data's. */
export function targetClassNames(experiment: Experiment, dataClasses: string[]): string[] {
  const named = experiment.target.classes;
  if (!named) return dataClasses;
  if (named.length !== dataClasses.length) {
    throw new Error(`target.classes names ${named.length} classes but the target data has ${dataClasses.length} (${dataClasses.join(', ')})`);
  }
  return named;
}

/** Index of the positive class: `evaluation.positiveClass` (name or index); class 1 for binary tasks; none for more classes. */
export function positiveClassIndex(experiment: Experiment, classes: string[]): number | null {
  const wanted = experiment.evaluation.positiveClass;
  if (wanted === undefined) return classes.length === 2 ? 1 : null;
  const index = typeof wanted === 'number' ? wanted : classes.indexOf(wanted);
  if (index < 0 || index >= classes.length) {
    throw new Error(`evaluation.positiveClass \`${wanted}\` is not one of the target classes (${classes.join(', ')})`);
  }
  return index;
}
