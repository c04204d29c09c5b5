// What a run leaves behind: its model folders (weights and metadata.json, with the decision rule
// the evaluation chose) and metrics.json.
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Experiment } from '../../shared/experiment/schema';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { MetricsFile } from '../../shared/run/metricsFile';
import { saveModel } from '../models/modelFiles';
import type { DecisionMetadata, ModelMetadata, PreprocessingMetadata, SourceHeadMetadata } from '../models/modelFiles';
import type { DecisionRule } from '../evaluation/clinicalEvaluation';
import type { EventStream } from '../run/eventStream';

export interface ModelToSave {
  model: LayersModel;
  folder: string;
  weightsSource: string;
  /** Class names of this model's output, when not the target's (the source model). */
  classes?: string[];
  preprocessing?: PreprocessingMetadata;
  sourceHead?: SourceHeadMetadata | null;
  /** Binary target models: the threshold chosen on the validation split, for metadata.json. */
  decision?: DecisionRule | null;
}

export interface RunIdentity {
  experiment: Experiment;
  runId: string;
  runDir: string;
}

export async function saveModels(
  models: ModelToSave[],
  identity: RunIdentity,
  classes: string[],
  events: EventStream,
): Promise<void> {
  for (const toSave of models) {
    await saveModel(toSave.model, join(identity.runDir, toSave.folder), modelMetadata(toSave, identity, classes));
    events.log('info', `saved ${toSave.folder}/ (${toSave.weightsSource})`);
  }
}

/** metadata.json of a model of this run; `classes` are the target's, for a model without its own. */
export function modelMetadata(toSave: ModelToSave, identity: RunIdentity, classes: string[]): ModelMetadata {
  const { model, weightsSource, classes: ownClasses, decision, preprocessing, sourceHead } = toSave;
  const inputShape = model.inputs[0]?.shape.slice(1) as [number, number, number];
  const modelClasses = ownClasses ?? classes;
  return {
    format: 'medtransfer-model/1',
    classes: modelClasses,
    inputShape,
    normalization: {
      scale: 1 / 255,
      offset: 0,
      description: 'pixel values scaled to [0, 1] (value / 255 for 8-bit images), height × width × channels',
    },
    architecture: identity.experiment.model.architecture,
    weightsSource,
    ...(preprocessing ? { preprocessing } : {}),
    ...(sourceHead ? { sourceHead } : {}),
    experimentName: identity.experiment.name,
    runId: identity.runId,
    savedAt: new Date().toISOString(),
    ...(decision
      ? {
          positiveClass: modelClasses[decision.positiveClass] ?? null,
          decision: decisionMetadata(decision, modelClasses),
        }
      : {}),
  };
}

export function writeMetricsFile(runDir: string, metrics: MetricsFile): void {
  writeFileAtomically(join(runDir, RUN_FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
}

function decisionMetadata(decision: DecisionRule, classes: string[]): DecisionMetadata {
  return {
    positiveClass: classes[decision.positiveClass] ?? String(decision.positiveClass),
    positiveClassIndex: decision.positiveClass,
    threshold: decision.threshold,
    rule: decision.rule,
    target: decision.target,
    chosenOn: decision.rule === 'default' ? null : 'val',
    temperature: decision.temperature,
    usage: `softmax output[${decision.positiveClass}] ≥ threshold → ${classes[decision.positiveClass] ?? 'positive'}`,
  };
}
