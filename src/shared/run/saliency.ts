// saliency.json: what the models looked at, for a seeded sample of evaluation images (written by
// the trainer at the end of a run, and by `medtransfer explain` for any image). Pixels live here,
// not in events.jsonl. Images are identified by their index in the evaluated split only: never a
// file name or a value read from a file (DICOM tags carry patient identifiers).
import { z } from 'zod';
import { evaluatedModelSchema } from './events';
import { operatingPointSchema } from './modelDecision';

export const SALIENCY_METHODS = ['grad-cam', 'hirescam', 'smoothgrad'] as const;
export const saliencyMethodSchema = z.enum(SALIENCY_METHODS);
export type SaliencyMethod = z.infer<typeof saliencyMethodSchema>;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

export const modelExplanationSchema = z.object({
  model: evaluatedModelSchema,
  method: saliencyMethodSchema,
  /** Grad-CAM, HiResCAM: the layer whose activations were weighed; SmoothGrad: null (the input). */
  layer: z.string().nullable(),
  /**
   * Class index the map explains: the model's answer (modelDecision.ts), by its operating point
   * where it has one, else the argmax.
   */
  predicted: z.number().int().nonnegative(),
  /** Probability of the predicted class. */
  confidence: z.number().min(0).max(1),
  probabilities: z.array(z.number().min(0).max(1)),
  /** The class with the highest probability, which an operating point may overrule; absent in older files. */
  argmax: z.number().int().nonnegative().optional(),
  /**
   * The operating point that decided `predicted`; null: the argmax did (no threshold); absent: a
   * file written before decisions were recorded, whose `predicted` is the argmax.
   */
  decision: operatingPointSchema.nullable().optional(),
  /** height × width uint8 (0: nothing, 255: the most), base64; the image's size. */
  heatmap: base64,
});
export type ModelExplanation = z.infer<typeof modelExplanationSchema>;

export const saliencyExampleSchema = z.object({
  /** Index of the image in the evaluated split (dataset-relative), or in the CLI's argument list. */
  index: z.number().int().nonnegative(),
  /** Class index of the true label, or null when unknown (an image explained on request). */
  trueClass: z.number().int().nonnegative().nullable(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  /** 1 (gray) or 3 (RGB). */
  channels: z.union([z.literal(1), z.literal(3)]),
  /** The model's input after preprocessing, height × width × channels uint8, base64. */
  image: base64,
  explanations: z.array(modelExplanationSchema),
});
export type SaliencyExample = z.infer<typeof saliencyExampleSchema>;

export const saliencyFileSchema = z.object({
  format: z.literal('medtransfer-saliency/1'),
  /** The split the images come from (`test` or `val`), or `files` for `medtransfer explain`. */
  split: z.enum(['test', 'val', 'files']),
  classes: z.array(z.string()),
  examples: z.array(saliencyExampleSchema),
});
export type SaliencyFile = z.infer<typeof saliencyFileSchema>;

export function isSaliencyFile(value: unknown): value is SaliencyFile {
  return saliencyFileSchema.safeParse(value).success;
}

/** Whether a model got an example right (null when the true class is unknown). */
export function isCorrect(
  example: Pick<SaliencyExample, 'trueClass'>,
  explanation: Pick<ModelExplanation, 'predicted'>,
): boolean | null {
  return example.trueClass === null ? null : example.trueClass === explanation.predicted;
}
