// The study file's JSON Schema, for editors' completion and hover, generated from the zod schema
// (scripts/generate-json-schema.ts writes it to dist/study.schema.json).
import { z } from 'zod';
import type { JsonSchema } from '../experiment/jsonSchema';
import { studySchema } from './studySchema';

let cached: JsonSchema | undefined;

export function studyJsonSchema(): JsonSchema {
  cached ??= {
    ...(z.toJSONSchema(studySchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as JsonSchema),
    title: 'MedTransfer study',
    description:
      'A sweep over a base experiment: every combination of the varied keys, once per seed, ' +
      'with learning curves when the label count varies.',
  };
  return cached;
}

/** Keys allowed at `path` of a study file (the keys of `vary` are checked later, against the experiment). */
export function studyKeysAt(path: readonly (string | number)[]): string[] {
  let node: unknown = studyJsonSchema();
  for (const segment of path) {
    const properties = isObject(node) ? node.properties : undefined;
    node = isObject(properties) ? properties[String(segment)] : undefined;
  }
  const properties = isObject(node) ? node.properties : undefined;
  return isObject(properties) ? Object.keys(properties).filter((key) => key !== '$schema') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
