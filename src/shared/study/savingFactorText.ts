// How the label-saving factor reads, the same on the terminal, in the report and in the Study
// view: transfer may need fewer labels than scratch to reach the goal, or more (negative transfer).
import type { SeriesAnalysis } from './studyAnalysis';

type SavingFactor = NonNullable<SeriesAnalysis['savingFactor']>;

/** `needs 3.2× fewer labels than scratch to reach the goal`, or `needs 160× more labels …`. */
export function savingFactorPhrase({ factor, atLeast }: SavingFactor): string {
  const times = (value: number) => (value >= 10 ? String(Math.round(value)) : value.toFixed(1));
  if (factor >= 1)
    return `needs ${atLeast ? 'at least ' : ''}${times(factor)}× fewer labels than scratch to reach the goal`;
  return `needs ${times(1 / factor)}× more labels than scratch to reach the goal`;
}
