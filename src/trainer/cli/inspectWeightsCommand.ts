// `medtransfer inspect-weights FILE [--json]`: what a weight file holds (describeWeightFile).
import { describeWeightFile } from '../weights/describeWeightFile';
import type { WeightFileDescription } from '../../shared/weights/weightFileDescription';
import { PREPROCESSING_DESCRIPTIONS } from '../../shared/experiment/preprocessing';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { Output } from './commands';

function lines(description: WeightFileDescription): string[] {
  const { architecture } = description;
  const { head } = architecture;
  return [
    `${description.file}`,
    `  format:       ${description.format}, ${description.holder}`,
    `  tensors:      ${description.tensorCount}`,
    `  parameters:   ${description.parameterCount.toLocaleString('en-US')} (batch-norm statistics not counted)`,
    `  architecture: ${architecture.label}`,
    `  head:         ${head === null ? 'none (a backbone without classifier)' : `${head.classes} classes (${head.tensor})`}`,
    `  preprocessing: ${description.preprocessing} (${PREPROCESSING_DESCRIPTIONS[description.preprocessing]})`,
  ];
}

export async function inspectWeightsCommand(options: { file: string; json: boolean }, output: Output): Promise<number> {
  const description = await describeWeightFile(options.file);
  if (options.json) output.out(JSON.stringify(description, null, 2));
  else lines(description).forEach((line) => output.out(line));
  return EXIT.ok;
}
