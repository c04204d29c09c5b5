// Labels per class a fitted curve needs to reach the goal: solving g = a·n^(−b) + c (g: the goal
// as an error, 1 − goal) gives n* = (a / (g − c))^(1/b). Its interval comes from the delta method
// on log n*, with the fit's parameter covariance and Student's t on the fit's residual degrees of
// freedom, so it stays positive and widens where the curve is flat.
import type { LabelsToGoal } from '../studyAnalysis';
import { tQuantile } from './distributions';
import type { PowerLawFit } from './powerLawFit';

export function labelsToGoal(fit: PowerLawFit, goalError: number, largestN: number, level: number): LabelsToGoal {
  const { a, b, c } = fit;
  if (!(a > 0 && b > 0 && c < goalError)) return { estimate: null, low: null, high: null, beyondData: true };
  const logN = (Math.log(a) - Math.log(goalError - c)) / b;
  const estimate = Math.exp(logN);
  const gradient = [1 / (a * b), -logN / b, 1 / (b * (goalError - c))];
  const covariance = fit.covariance;
  let low: number | null = null;
  let high: number | null = null;
  if (covariance !== null && fit.df > 0) {
    let variance = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) variance += (gradient[i] ?? 0) * (covariance[i]?.[j] ?? 0) * (gradient[j] ?? 0);
    if (variance >= 0 && Number.isFinite(variance)) {
      const half = tQuantile((1 + level) / 2, fit.df) * Math.sqrt(variance);
      low = Math.exp(logN - half);
      high = Math.exp(logN + half);
    }
  }
  return { estimate, low, high, beyondData: estimate > largestN };
}
