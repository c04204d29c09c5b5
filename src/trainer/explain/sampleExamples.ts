// Which evaluation images get saliency maps: per true class, up to `perClass` images that each
// model got right and up to `perClass` it got wrong (seeded), so the sample shows successes and
// failures of both models; every chosen image is explained by both, side by side.
import type { SeededRandom } from '../random';

export interface ModelPredictions {
  /** Predicted class per image of the split. */
  predicted: ArrayLike<number>;
}

export function sampleExamples(
  labels: ArrayLike<number>,
  models: readonly ModelPredictions[],
  classCount: number,
  perClass: number,
  random: SeededRandom,
): number[] {
  const chosen = new Set<number>();
  if (perClass <= 0) return [];
  // One seeded order of the whole split, so the choice does not depend on the models' order.
  const order = random.shuffle(Array.from({ length: labels.length }, (_, index) => index));
  for (const model of models) {
    for (let classIndex = 0; classIndex < classCount; classIndex++) {
      for (const correct of [true, false]) {
        let taken = order.filter(
          (index) =>
            chosen.has(index) && labels[index] === classIndex && (model.predicted[index] === classIndex) === correct,
        ).length;
        for (const index of order) {
          if (taken >= perClass) break;
          if (chosen.has(index) || labels[index] !== classIndex || (model.predicted[index] === classIndex) !== correct)
            continue;
          chosen.add(index);
          taken++;
        }
      }
    }
  }
  return [...chosen].sort((a, b) => a - b);
}
