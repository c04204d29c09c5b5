// A whole model as a training step runs it: layer by layer through the flat graph (layerGraph.ts),
// each layer's output freed after its last use. model.apply (tfjs-layers' executor) keeps every
// output until the whole model has run when training, which nearly doubles a step's peak memory.
import { LayersModel } from '@tensorflow/tfjs-layers';
import { flatGraphOf, runCalls } from '../models/layerGraph';
import type { StepModel } from './trainStep';

const releasing = new WeakMap<LayersModel, StepModel>();

/** `model` itself where its graph cannot be flattened (several inputs or outputs) or it is not a LayersModel. */
export function releasingStepModel(model: StepModel): StepModel {
  if (!(model instanceof LayersModel)) return model;
  const known = releasing.get(model);
  if (known) return known;
  const graph = flatGraphOf(model);
  const stepModel: StepModel = graph
    ? {
        apply: (inputs, kwargs) =>
          runCalls(graph, { from: 0, to: graph.calls.length }, graph.input, inputs, graph.output, kwargs.training),
      }
    : model;
  releasing.set(model, stepModel);
  return stepModel;
}
