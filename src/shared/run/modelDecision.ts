// How a model's output becomes its answer, the same way wherever an answer is shown: a binary
// model with an operating point (the threshold the evaluation chose on the validation split, kept
// in its metadata.json) calls the positive class when that class's output reaches the threshold,
// as the evaluation's sensitivity and specificity and an exported model's users do; any other
// model answers with its highest output (the argmax). The trainer decides with decideClass (the
// run's saliency sample, `medtransfer explain`); the views say what was decided and how, with the
// texts below, so that "pneumonia at the operating point 0.93" reads the same everywhere.
import { z } from 'zod';

export const OPERATING_POINT_RULES = ['youden', 'sensitivity', 'specificity', 'default'] as const;

/** A binary model's operating point: `positiveClassIndex` when its output is ≥ `threshold`. */
export const operatingPointSchema = z.object({
  positiveClassIndex: z.number().int().min(0).max(1),
  threshold: z.number().finite().min(0).max(1),
  rule: z.enum(OPERATING_POINT_RULES),
});
export type OperatingPointDecision = z.infer<typeof operatingPointSchema>;

export interface ClassDecision {
  /** The model's answer: by the operating point where there is one, else the argmax. */
  predicted: number;
  /** The class with the highest output (ties: the lowest index; NaN never wins). */
  argmax: number;
}

export function argmaxOf(outputs: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < outputs.length; k++) {
    const value = outputs[k] as number;
    const leader = outputs[best] as number;
    if (!Number.isNaN(value) && (value > leader || Number.isNaN(leader))) best = k;
  }
  return best;
}

/** The class a model decides for one image's softmax outputs, given its operating point (null: none). */
export function decideClass(outputs: ArrayLike<number>, decision: OperatingPointDecision | null): ClassDecision {
  const argmax = argmaxOf(outputs);
  if (decision === null) return { predicted: argmax, argmax };
  if (outputs.length !== 2)
    throw new RangeError(`an operating point decides between 2 classes, but the model has ${outputs.length} outputs`);
  const positive = decision.positiveClassIndex;
  return { predicted: (outputs[positive] as number) >= decision.threshold ? positive : 1 - positive, argmax };
}

/** A threshold as the views print it: 3 significant digits, no trailing zeros (0.93, 0.931, 0.0042). */
export function formatThreshold(threshold: number): string {
  return String(Number(threshold.toPrecision(3)));
}

/** What the views know of an answer: saliency.json's fields (decision absent: written before it was kept). */
export interface ShownDecision {
  predicted: number;
  argmax?: number | undefined;
  decision?: OperatingPointDecision | null | undefined;
  probabilities: readonly number[];
  confidence: number;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

/** The answer and how it was reached: `pneumonia at the operating point 0.93`, or `effusion at the argmax`. */
export function decisionText(entry: ShownDecision, className: (index: number) => string): string {
  const name = className(entry.predicted);
  return entry.decision
    ? `${name} at the operating point ${formatThreshold(entry.decision.threshold)}`
    : `${name} at the argmax`;
}

const RULE_NAMES: Record<OperatingPointDecision['rule'], string> = {
  youden: 'Youden’s J',
  sensitivity: 'the target sensitivity',
  specificity: 'the target specificity',
  default: 'the default 0.5: there was no validation split to choose on',
};

/** For a tooltip: `pneumonia when p(pneumonia) ≥ 0.93, chosen on the validation split (Youden’s J)`. */
export function operatingPointText(decision: OperatingPointDecision, className: (index: number) => string): string {
  const positive = className(decision.positiveClassIndex);
  const rule =
    decision.rule === 'default' ? RULE_NAMES.default : `chosen on the validation split (${RULE_NAMES[decision.rule]})`;
  return `${positive} when p(${positive}) ≥ ${formatThreshold(decision.threshold)}, ${rule}`;
}

/**
 * The score behind the answer: with an operating point, the positive class's output (what the
 * threshold applies to, whichever class was called); else the answer's own probability.
 */
export function scoreText(entry: ShownDecision, className: (index: number) => string): string {
  if (!entry.decision) return `confidence ${percent(entry.confidence)}`;
  const positive = entry.decision.positiveClassIndex;
  return `p(${className(positive)}) ${percent(entry.probabilities[positive] ?? 0)}`;
}

/** `argmax: normal` where the argmax differs from the answer, else null. */
export function argmaxText(entry: ShownDecision, className: (index: number) => string): string | null {
  return entry.argmax !== undefined && entry.argmax !== entry.predicted ? `argmax: ${className(entry.argmax)}` : null;
}
