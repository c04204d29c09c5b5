// Keras-style early stopping on a validation metric: stop after `patience` epochs without
// improvement, remembering the best epoch so its weights can be restored.
import type { EpochMetrics } from '../../shared/run/events';
import type { Monitor } from '../../shared/experiment/schema';

const MONITORED: Record<Monitor, { value: (metrics: EpochMetrics) => number | null; higherIsBetter: boolean }> = {
  val_auc: { value: (metrics) => metrics.valAuc, higherIsBetter: true },
  val_accuracy: { value: (metrics) => metrics.valAccuracy, higherIsBetter: true },
  val_balanced_accuracy: { value: (metrics) => metrics.valBalancedAccuracy, higherIsBetter: true },
  val_loss: { value: (metrics) => metrics.valLoss, higherIsBetter: false },
};

/** What a checkpoint keeps of the tracker. */
export interface EarlyStoppingState {
  best: number | null;
  epochsWithoutImprovement: number;
  bestEpoch: number | null;
}

export class EarlyStoppingTracker {
  private best: number | null = null;
  private epochsWithoutImprovement = 0;
  bestEpoch: number | null = null;

  constructor(
    private readonly monitor: Monitor,
    private readonly patience: number,
  ) {}

  /** Records an epoch; returns whether it is the best so far. */
  record(epoch: number, metrics: EpochMetrics): boolean {
    const { value, higherIsBetter } = MONITORED[this.monitor];
    const current = value(metrics);
    const improved =
      current !== null &&
      Number.isFinite(current) &&
      (this.best === null || (higherIsBetter ? current > this.best : current < this.best));
    if (improved) {
      this.best = current;
      this.bestEpoch = epoch;
      this.epochsWithoutImprovement = 0;
    } else {
      this.epochsWithoutImprovement++;
    }
    return improved;
  }

  snapshot(): EarlyStoppingState {
    return { best: this.best, epochsWithoutImprovement: this.epochsWithoutImprovement, bestEpoch: this.bestEpoch };
  }

  restore(state: EarlyStoppingState): void {
    this.best = state.best;
    this.epochsWithoutImprovement = state.epochsWithoutImprovement;
    this.bestEpoch = state.bestEpoch;
  }

  get shouldStop(): boolean {
    return this.epochsWithoutImprovement >= this.patience;
  }
}
