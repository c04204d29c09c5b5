// `medtransfer predict RUN_DIR|MODEL_DIR (IMAGE…|--csv LIST) [--out FILE] [--json]`: a row per
// image with the model's probabilities and its decision (or an imported model's top 5 classes), as
// CSV or JSON, on stdout or into --out. Files that cannot be read as images are named on stderr and
// skipped; the exit code (EXIT.skipped) says so.
import { resolve } from 'node:path';
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import type { BackendChoice } from '../../shared/experiment/schema';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { skippedLine } from '../../shared/run/predictionSkips';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { counted } from '../../shared/text/plural';
import { backendSearchPathsHere } from '../backend/searchPaths';
import { selectBackend } from '../backend/selectBackend';
import { listPredictInputs } from '../predict/predictInputs';
import { predictImages } from '../predict/predictImages';
import { loadPredictModel } from '../predict/predictModel';
import { predictionsCsv, predictionsJson } from '../predict/predictionTable';
import type { Output } from './commands';

export interface PredictOptions {
  modelDir: string;
  images: string[];
  csv: string | undefined;
  out: string | undefined;
  json: boolean;
  backend: string | undefined;
  backendPaths: readonly string[];
}

export async function predictCommand(options: PredictOptions, output: Output): Promise<number> {
  const choice = options.backend ?? 'wasm';
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    output.err(`medtransfer: unknown backend \`${choice}\`; expected one of: ${BACKEND_CHOICES.join(', ')}`);
    return EXIT.usage;
  }
  if (options.images.length === 0 && options.csv === undefined) {
    output.err('medtransfer: predict needs images: files or folders after the model folder, or --csv LIST');
    return EXIT.usage;
  }
  const listing = await listPredictInputs(options.images, options.csv, process.cwd());
  const backend = await selectBackend(choice as BackendChoice, {
    log: (line) => output.err(line),
    searchPaths: backendSearchPathsHere(options.backendPaths),
  });
  try {
    const model = await loadPredictModel(resolve(options.modelDir));
    for (const note of model.notes) output.err(`medtransfer: ${note}`);
    const result = predictImages(model, listing.inputs);
    model.classifier.dispose();
    const skipped = [...listing.skipped, ...result.skipped].map(({ shown, reason }) => ({ path: shown, reason }));
    for (const file of skipped) output.err(skippedLine(file));
    if (listing.inputs.length === 0)
      output.err('medtransfer: no images to predict (folders are read for .png, .jpg, .dcm, .nii… files)');
    if (listing.ignored > 0)
      output.err(`medtransfer: ${counted(listing.ignored, 'file')} in the folders left out: not images by their names`);
    if (result.withIdentifiers > 0)
      output.err(
        `medtransfer: ${counted(result.withIdentifiers, 'DICOM file')} ` +
          `${result.withIdentifiers === 1 ? 'carries' : 'carry'} patient or staff identifiers ` +
          '(their values were not read, and the output names files by their paths only)',
      );
    const text = options.json
      ? `${JSON.stringify(predictionsJson(result.predictions, skipped, model), null, 2)}\n`
      : predictionsCsv(result.predictions, model);
    if (options.out === undefined) output.out(text.trimEnd());
    else {
      writeFileAtomically(options.out, text);
      output.out(`${counted(result.predictions.length, 'prediction')} written to ${options.out}`);
    }
    if (skipped.length === 0) return EXIT.ok;
    output.err(`medtransfer: ${counted(skipped.length, 'file')} skipped (exit code ${EXIT.skipped})`);
    return EXIT.skipped;
  } finally {
    backend.release();
  }
}
