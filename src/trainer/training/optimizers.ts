import type { Optimizer } from '@tensorflow/tfjs-core';
import { fusedAdam } from './fusedAdam';
import { fusedMomentum } from './fusedMomentum';
import { fusedRmsProp } from './fusedRmsProp';

export type OptimizerName = 'adam' | 'sgd' | 'rmsprop';

/** A fresh optimizer: each phase starts its own, as Keras does when a model is recompiled. */
export function createOptimizer(name: OptimizerName, learningRate: number): Optimizer {
  switch (name) {
    case 'adam':
      return fusedAdam(learningRate);
    case 'sgd':
      return fusedMomentum(learningRate, 0.9);
    case 'rmsprop':
      return fusedRmsProp(learningRate);
  }
}
