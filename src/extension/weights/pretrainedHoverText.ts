// The hover on `pretrained`: what the file is and what a run will do with it, as Markdown.
import { PREPROCESSING_CHOICES, PREPROCESSING_DESCRIPTIONS } from '../../shared/experiment/preprocessing';
import type { Preprocessing } from '../../shared/experiment/preprocessing';
import type { Inspection } from './weightFileInspector';

function isPreprocessing(value: string | null): value is Preprocessing {
  return value !== null && (PREPROCESSING_CHOICES as readonly string[]).includes(value);
}

/** `experimentPreprocessing`: the experiment's `preprocessing:`, which overrides the weights'. */
export function pretrainedHoverText(
  path: string,
  inspection: Inspection,
  experimentPreprocessing: string | null,
): string {
  switch (inspection.kind) {
    case 'missing':
      return `**pretrained**: no such file or folder: \`${path}\``;
    case 'folder':
      return `**pretrained**: the folder \`${path}\`: a TF.js model (its model.json and metadata.json are read when the run starts)`;
    case 'refused':
      return `**pretrained**: ${inspection.message}`;
    case 'described': {
      const { description } = inspection;
      const { head } = description.architecture;
      const chosen = isPreprocessing(experimentPreprocessing) ? experimentPreprocessing : null;
      const preprocessing = chosen ?? description.preprocessing;
      const whose = chosen ? "the experiment's `preprocessing`" : 'what the weights need';
      return [
        `**pretrained**: \`${path}\``,
        '',
        `- format: ${description.format}, ${description.holder}`,
        `- architecture: ${description.architecture.label}`,
        `- tensors: ${description.tensorCount.toLocaleString('en-US')}, parameters: ${description.parameterCount.toLocaleString('en-US')}`,
        `- head: ${head === null ? 'none (a backbone without classifier)' : `${head.classes} classes (\`${head.tensor}\`), replaced by the target's`}`,
        `- preprocessing: ${preprocessing} (${PREPROCESSING_DESCRIPTIONS[preprocessing]}), ${whose}`,
      ].join('\n');
    }
  }
}
