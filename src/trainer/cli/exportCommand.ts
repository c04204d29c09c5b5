// `medtransfer export RUN_DIR|MODEL_DIR --format onnx [--out FILE]`: a run's fine-tuned model, or
// a model folder (from `medtransfer import`), written as one ONNX file with its metadata.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { errorMessage } from '../../shared/errors/errorMessage';
import { backendSearchPathsHere } from '../backend/searchPaths';
import { selectBackend } from '../backend/selectBackend';
import { exportOnnx, OnnxExportError } from '../export/exportOnnx';
import { LayerExportError } from '../export/layerExportError';
import { loadModel, readModelMetadata } from '../models/modelFiles';
import type { ModelMetadata } from '../models/modelFiles';
import type { Output } from './commands';

export interface ExportOptions {
  dir: string;
  format?: string;
  out?: string;
}

const FORMATS = ['onnx'] as const;
const MODEL_JSON = 'model.json';

/** The model folder of a run folder (its fine-tuned `model/`), or the folder itself when it is one. */
function modelFolderOf(dir: string): string | null {
  const ofRun = join(dir, RUN_FILES.model);
  if (existsSync(join(ofRun, MODEL_JSON))) return ofRun;
  if (existsSync(join(dir, MODEL_JSON))) return dir;
  return null;
}

export async function exportCommand(options: ExportOptions, output: Output): Promise<number> {
  const format = options.format ?? 'onnx';
  if (!(FORMATS as readonly string[]).includes(format)) {
    output.err(`medtransfer export: --format is one of: ${FORMATS.join(', ')}`);
    return EXIT.usage;
  }
  const dir = resolve(options.dir);
  const modelDir = modelFolderOf(dir);
  if (modelDir === null) {
    output.err(
      `medtransfer export: ${options.dir} is neither a run folder with a fine-tuned model ` +
        `(${RUN_FILES.model}/${MODEL_JSON}) nor a model folder (${MODEL_JSON}); ` +
        'a run writes its model when fine-tuning ends',
    );
    return EXIT.failed;
  }
  const out = resolve(options.out ?? join(dir, 'model.onnx'));

  // Reading weights and writing them out needs no speed: plain JavaScript is enough, and always there.
  const backend = await selectBackend('cpu', { log: () => undefined, searchPaths: backendSearchPathsHere([]) });
  try {
    const model = await loadModel(modelDir);
    const metadata = readModelMetadata(modelDir);
    let bytes: Uint8Array;
    try {
      bytes = exportOnnx(model, metadata);
    } catch (error) {
      if (!(error instanceof LayerExportError || error instanceof OnnxExportError)) throw error;
      output.err(`medtransfer export: ${relative(process.cwd(), modelDir) || '.'}: ${error.message}`);
      return EXIT.failed;
    } finally {
      model.dispose();
    }
    try {
      writeFileAtomically(out, bytes);
    } catch (error) {
      output.err(`medtransfer export: cannot write ${out}: ${errorMessage(error)}`);
      return EXIT.failed;
    }
    output.out(`${modelDir} → ${out} (${(bytes.byteLength / 1e6).toFixed(1)} MB, ONNX opset 17)`);
    if (metadata) for (const line of summaryLines(metadata)) output.out(`  ${line}`);
    return EXIT.ok;
  } finally {
    backend.release();
  }
}

function summaryLines(metadata: ModelMetadata): string[] {
  const [height, width, channels] = metadata.inputShape;
  const classes = metadata.classes;
  const lines = [
    `input:         images, float32 [batch, ${height}, ${width}, ${channels}], values in [0, 1]`,
    `output:        ${classes.length > 0 ? `probabilities of ${classes.join(', ')}` : 'features'}`,
    `preprocessing: ${metadata.preprocessing?.name ?? 'none'} (in the graph)`,
  ];
  const decision = metadata.decision;
  if (decision) lines.push(`threshold:     ${decision.positiveClass} when its probability ≥ ${decision.threshold}`);
  return lines;
}
