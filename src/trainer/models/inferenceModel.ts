// A model run for inference (evaluation, predict, the frozen-feature cache): its flat graph with
// every output freed after its last use, and batch norms folded into the convolutions before them
// (foldedBatchNorm.ts) for as long as the runner lives. Dispose it when the pass is over: the
// folded weights are a copy of the model's, valid while its weights do not change.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import { foldBatchNorms } from './foldedBatchNorm';
import { flatGraphOf, runCalls } from './layerGraph';

export interface InferenceRunner {
  /** The model's output for a batch (inference mode). */
  run(input: Tensor): Tensor;
  dispose(): void;
}

export function inferenceRunner(model: LayersModel): InferenceRunner {
  const graph = flatGraphOf(model);
  if (!graph) {
    return { run: (input) => model.apply(input, { training: false }) as Tensor, dispose: () => undefined };
  }
  const folding = foldBatchNorms(graph);
  return {
    run: (input) =>
      runCalls(graph, { from: 0, to: graph.calls.length }, graph.input, input, graph.output, false, folding),
    dispose: () => folding.dispose(),
  };
}
