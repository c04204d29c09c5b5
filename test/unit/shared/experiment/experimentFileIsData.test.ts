// An experiment file may point the trainer at data, never at code. This audits the schema: every
// free-text value it accepts is listed here, with what the trainer does with it, so a new key
// that could name code (a plugin, a hook, a backend folder) fails this test until reviewed.
// Backend search folders come only from the machine-scoped setting medtransfer.backendPaths
// (and the CLI's --backend-path), never from the experiment file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentJsonSchema } from '../../../../src/shared/experiment/jsonSchema';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';

type SchemaNode = Record<string, unknown>;

/** Every free-text value of the schema (strings that are not an enum or a constant), by path. */
function freeTextPaths(): string[] {
  const schema = experimentJsonSchema() as SchemaNode;
  const definitions = (schema.$defs ?? schema.definitions ?? {}) as SchemaNode;
  const found = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const current = node as SchemaNode;
    if (typeof current.$ref === 'string') return walk(definitions[current.$ref.split('/').pop() ?? ''], path);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      if (Array.isArray(current[key])) for (const option of current[key] as unknown[]) walk(option, path);
    if (current.type === 'string' && current.enum === undefined && current.const === undefined) found.add(path);
    if (current.properties)
      for (const [key, child] of Object.entries(current.properties as SchemaNode))
        walk(child, path ? `${path}.${key}` : key);
    if (current.items) walk(current.items, `${path}[]`);
    if (current.additionalProperties && typeof current.additionalProperties === 'object')
      walk(current.additionalProperties, `${path}.*`);
  };
  walk(schema, '');
  return [...found].sort();
}

/** What the trainer does with each free-text value: all of it is data. */
const AUDITED: Readonly<Record<string, string>> = {
  $schema: 'ignored (editor hint)',
  name: 'names the runs folder (letters, digits, ".", "_", "-")',
  description: 'shown',
  pretrained: 'a TF.js layers model folder: model.json (JSON) and weight files (binary), read with fs',
  'evaluation.positiveClass': 'a class name',
  'target.classes[]': 'class names',
  ...Object.fromEntries(
    ['source', 'target'].flatMap((part) => [
      [`${part}.dataset.path`, 'an image/array file or folder, decoded as data'],
      [`${part}.dataset.labels`, 'a CSV file of paths and labels, parsed as text'],
      [`${part}.dataset.cache.dir`, 'a folder the decoded images are cached in (binary arrays)'],
      [`${part}.dataset.imageColumn`, 'a CSV column name'],
      [`${part}.dataset.labelColumn`, 'a CSV column name'],
      [`${part}.dataset.patientColumn`, 'a CSV column name'],
      [`${part}.dataset.splitColumn`, 'a CSV column name'],
    ]),
  ),
};

const BASE = `name: audit
model: { architecture: seed-cnn, inputShape: [28, 28, 1] }
source: { dataset: { type: synthetic, task: source } }
target: { dataset: { type: synthetic, task: target }, classes: [a, b] }
`;

describe('the experiment file names data, never code', () => {
  it('accepts free text only where the audit says what it is used for', () => {
    assert.deepEqual(freeTextPaths(), Object.keys(AUDITED).sort());
  });

  for (const key of [
    'backendPaths: [./node_modules]',
    'backendPath: ./node_modules',
    'nodePath: ./node',
    'plugins: [./plugin.js]',
    'require: ./setup.js',
    'import: ./setup.mjs',
    'hooks: { beforeRun: ./hook.js }',
  ]) {
    it(`rejects \`${key}\` with a position`, () => {
      const parsed = parseExperiment(`${BASE}${key}\n`);
      assert.equal(parsed.ok, false);
      assert.ok(
        !parsed.ok && parsed.diagnostics.some((problem) => problem.start.line === 5),
        JSON.stringify(!parsed.ok && parsed.diagnostics),
      );
    });
  }

  it('takes a backend only by name, never as a path or a module', () => {
    for (const backend of ['./evil.js', '@tensorflow/tfjs-node', '/usr/lib/node_modules/evil']) {
      const parsed = parseExperiment(`${BASE}backend: ${JSON.stringify(backend)}\n`);
      assert.equal(parsed.ok, false, backend);
    }
    assert.equal(parseExperiment(`${BASE}backend: wasm\n`).ok, true);
  });
});
