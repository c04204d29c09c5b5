// `predict`'s output, one row per image: as CSV (a header, then the rows) or as JSON. A model with
// its own classes gives each class's probability and the decision at its operating point; a weight
// file's own head (an imported model) gives its top 5 classes, index and name, with probabilities.
import { decideClass } from '../../shared/run/modelDecision';
import type { OperatingPointDecision } from '../../shared/run/modelDecision';
import type { SkippedFile } from '../../shared/run/predictionSkips';
import type { Prediction } from './predictImages';
import type { PredictModel } from './predictModel';

export const TOP_CLASSES = 5;

type TableModel = Pick<PredictModel, 'classes' | 'decision' | 'answer'>;

export interface TopClass {
  index: number;
  class: string;
  probability: number;
}

export interface PredictionsFile {
  format: 'medtransfer-predictions/1';
  answer: PredictModel['answer'];
  classes: string[];
  /** The operating point the decisions were taken at; null: the argmax decided. */
  decision: (OperatingPointDecision & { positiveClass: string }) | null;
  predictions: (
    | { path: string; slice: string | null; probabilities: number[]; decision: string }
    | { path: string; slice: string | null; top: TopClass[] }
  )[];
  skipped: SkippedFile[];
}

function topClasses(probabilities: readonly number[], classes: readonly string[]): TopClass[] {
  return probabilities
    .map((probability, index) => ({ index, class: classes[index] ?? `class ${index}`, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, TOP_CLASSES);
}

function decisionOf(prediction: Prediction, model: TableModel): string {
  const { predicted } = decideClass(prediction.probabilities, model.decision);
  return model.classes[predicted] ?? `class ${predicted}`;
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function predictionsCsv(predictions: readonly Prediction[], model: TableModel): string {
  const top = Math.min(TOP_CLASSES, model.classes.length);
  const header =
    model.answer === 'top'
      ? Array.from({ length: top }, (_, k) => [`top${k + 1}_index`, `top${k + 1}_class`, `top${k + 1}_probability`])
      : [model.classes.map((name) => `p(${name})`), ['decision']];
  const rows = predictions.map((prediction) => {
    const cells: (string | number)[] = [prediction.path, prediction.slice ?? ''];
    if (model.answer === 'top')
      for (const entry of topClasses(prediction.probabilities, model.classes))
        cells.push(entry.index, entry.class, entry.probability);
    else cells.push(...prediction.probabilities, decisionOf(prediction, model));
    return cells.map(csvField).join(',');
  });
  return [['path', 'slice', ...header.flat()].map(csvField).join(','), ...rows].join('\n') + '\n';
}

export function predictionsJson(
  predictions: readonly Prediction[],
  skipped: readonly SkippedFile[],
  model: TableModel,
): PredictionsFile {
  const { decision } = model;
  return {
    format: 'medtransfer-predictions/1',
    answer: model.answer,
    classes: model.classes,
    decision: decision
      ? {
          ...decision,
          positiveClass: model.classes[decision.positiveClassIndex] ?? `class ${decision.positiveClassIndex}`,
        }
      : null,
    predictions: predictions.map(({ path, slice, probabilities }) =>
      model.answer === 'top'
        ? { path, slice, top: topClasses(probabilities, model.classes) }
        : { path, slice, probabilities, decision: decisionOf({ path, slice, probabilities }, model) },
    ),
    skipped: [...skipped],
  };
}
