// The JSON Schema editors use for completion and hover, generated from the one zod schema.
import { z } from 'zod';
import { experimentSchema } from './schema';

export type JsonSchema = Record<string, unknown>;

let cached: JsonSchema | undefined;

/** The experiment file's JSON Schema (draft-07, as written: defaulted keys are optional). */
export function experimentJsonSchema(): JsonSchema {
  cached ??= {
    ...(z.toJSONSchema(experimentSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as JsonSchema),
    title: 'MedTransfer experiment',
    description:
      'A transfer-learning experiment: source task or pretrained model, few-shot target task, ' +
      'fine-tuning strategy and scratch baseline.',
  };
  return cached;
}
