// The `evaluate` phase and what a run leaves behind: evaluation events for the fine-tuned and
// the scratch model, their model folders, and metrics.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Experiment } from '../../shared/experiment/schema';
import type { ClinicalMetrics } from '../../shared/run/metrics';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { MetricsFile } from '../../shared/run/metricsFile';
import type { ImageSet } from '../data/dataset';
import { computeClinicalMetrics } from '../evaluation/clinicalMetrics';
import { saveModel } from '../models/modelFiles';
import type { ModelMetadata } from '../models/modelFiles';
import { crossEntropy, predictProbabilities } from '../training/predict';
import type { EventStream } from '../run/eventStream';

export function evaluateModel(model: LayersModel, set: ImageSet, classes: string[], positiveClass: number | null, batchSize: number): ClinicalMetrics {
  const probabilities = predictProbabilities(model, set, Math.max(batchSize, 128));
  const metrics = computeClinicalMetrics({ probabilities, labels: set.labels, classes, positiveClass });
  return { ...metrics, loss: crossEntropy(probabilities, set.labels, classes.length) };
}

export interface ModelToSave {
  model: LayersModel;
  folder: string;
  weightsSource: string;
  /** Class names of this model's output, when not the target's (the source model). */
  classes?: string[];
}

export interface RunIdentity {
  experiment: Experiment;
  runId: string;
  runDir: string;
}

export async function saveModels(models: ModelToSave[], identity: RunIdentity, classes: string[], events: EventStream): Promise<void> {
  for (const { model, folder, weightsSource, classes: ownClasses } of models) {
    const inputShape = model.inputs[0]?.shape.slice(1) as [number, number, number];
    const metadata: ModelMetadata = {
      format: 'medtransfer-model/1',
      classes: ownClasses ?? classes,
      inputShape,
      normalization: { scale: 1 / 255, offset: 0, description: 'pixel values scaled to [0, 1] (value / 255 for 8-bit images), height × width × channels' },
      architecture: identity.experiment.model.architecture,
      weightsSource,
      experimentName: identity.experiment.name,
      runId: identity.runId,
      savedAt: new Date().toISOString(),
    };
    await saveModel(model, join(identity.runDir, folder), metadata);
    events.log('info', `saved ${folder}/ (${weightsSource})`);
  }
}

export function writeMetricsFile(runDir: string, metrics: MetricsFile): void {
  writeFileSync(join(runDir, RUN_FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
}
