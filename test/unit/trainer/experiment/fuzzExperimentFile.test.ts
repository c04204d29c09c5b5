// Fuzzing the experiment-file loader: mutated and random YAML and JSON documents never throw, and
// every rejected one gets at least one diagnostic with a line:column inside the document. Seeded,
// so a failure reproduces; bounded in time (alias bombs and deep nesting included).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import { loadExperimentFile } from '../../../../src/trainer/experiment/loadExperimentFile';
import { SeededRandom } from '../../../../src/trainer/random';
import { HOSTILE, aliasBomb } from '../../../support/hostileExperimentFiles';
import { repoRoot } from '../../../support/paths';

const SEED_DOCUMENTS = [
  readFileSync(join(repoRoot, 'examples', 'demo.experiment.yaml'), 'utf8'),
  readFileSync(join(repoRoot, 'examples', 'pneumonia-fewshot.experiment.yaml'), 'utf8'),
];
const seedJson = (() => {
  const parsed = parseExperiment(SEED_DOCUMENTS[0] ?? '');
  assert.ok(parsed.ok, 'the demo experiment is valid');
  return JSON.stringify(parsed.experiment, null, 2);
})();
const SEEDS = [...SEED_DOCUMENTS, seedJson];

const ODD_VALUES = [
  '1e309',
  '-1e309',
  '99999999999999999999999',
  '.nan',
  '.inf',
  '-0',
  '0x7fffffff',
  'null',
  '~',
  '[]',
  '{}',
  "''",
  '"\\u0000"',
  'true',
  '!!binary aGVsbG8=',
  '&a x',
  '*nope',
  '[1, [2, [3]]]',
  '{ a: { b: { c: 1 } } }',
  '"' + 'x'.repeat(5000) + '"',
  '2026-11-24',
  '!!js/function "f() {}"',
  '<<: *x',
];
const NOISE = [
  '\n',
  ' ',
  '  ',
  '\t',
  ':',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '\\',
  '\u0000',
  '\uFEFF',
  'é',
  '\u2028',
  '---',
  '...',
  '? ',
];

/** One mutation of `text`, chosen by `random`. */
function mutate(text: string, random: SeededRandom): string {
  const at = random.integer(text.length + 1);
  switch (random.integer(9)) {
    case 0: {
      // A flipped byte.
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length === 0) return text;
      const index = random.integer(bytes.length);
      bytes[index] = (bytes[index] ?? 0) ^ (1 << random.integer(8));
      return bytes.toString('utf8');
    }
    case 1:
      return text.slice(0, at);
    case 2:
      return text.slice(0, at) + (NOISE[random.integer(NOISE.length)] ?? '') + text.slice(at);
    case 3:
      return text.slice(0, at) + text.slice(at + 1 + random.integer(20));
    case 4: {
      // Two keys swap names.
      const keys = [...text.matchAll(/^(\s*)([A-Za-z]+):/gm)].map((match) => match[2] ?? '');
      const a = keys[random.integer(keys.length)];
      const b = keys[random.integer(keys.length)];
      if (!a || !b) return text;
      return text
        .replace(new RegExp(`\\b${a}:`), `${b}__swap:`)
        .replace(new RegExp(`\\b${b}:`), `${a}:`)
        .replace(`${b}__swap:`, `${b}:`);
    }
    case 5: {
      // A value changes type.
      const values = [...text.matchAll(/: ([^\n#{}[\],]+)/g)];
      const match = values[random.integer(values.length)];
      if (!match || match.index === undefined) return text;
      const start = match.index + 2;
      return (
        text.slice(0, start) +
        (ODD_VALUES[random.integer(ODD_VALUES.length)] ?? '') +
        text.slice(start + (match[1]?.length ?? 0))
      );
    }
    case 6: {
      // Lines shuffled or duplicated (indentation breaks, duplicate keys).
      const lines = text.split('\n');
      const i = random.integer(lines.length);
      const j = random.integer(lines.length);
      if (random.next() < 0.5) lines.splice(j, 0, lines[i] ?? '');
      else [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 7:
      return text.slice(0, at) + (random.next() < 0.5 ? '\n' : ' ') + ' '.repeat(random.integer(8)) + text.slice(at);
    default:
      return text.replace(/\d+(\.\d+)?/, () =>
        random.next() < 0.5 ? '1'.repeat(400) : `-${random.integer(1e9)}e${random.integer(400)}`,
      );
  }
}

function randomDocument(random: SeededRandom): string {
  const length = random.integer(200);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = random.next();
    text +=
      roll < 0.5
        ? (NOISE[random.integer(NOISE.length)] ?? '')
        : roll < 0.8
          ? String.fromCharCode(32 + random.integer(95))
          : (ODD_VALUES[random.integer(ODD_VALUES.length)] ?? '');
  }
  return text;
}

/** Asserts the result is well-formed; returns whether the document was accepted. */
function checkDiagnostics(text: string, label: string): boolean {
  let parsed: ReturnType<typeof parseExperiment>;
  try {
    parsed = parseExperiment(text);
  } catch (error) {
    assert.fail(
      `${label}: parseExperiment threw ${(error as Error).name}: ${(error as Error).message}\n--- document (first 300 characters) ---\n${text.slice(0, 300)}`,
    );
  }
  if (parsed.ok) return true;
  assert.ok(parsed.diagnostics.length > 0, `${label}: rejected without a diagnostic`);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const diagnostic of parsed.diagnostics) {
    const { line, column } = diagnostic.start;
    assert.ok(
      Number.isInteger(line) && line >= 1 && line <= lines + 1,
      `${label}: line ${line} outside 1..${lines + 1}`,
    );
    assert.ok(Number.isInteger(column) && column >= 1, `${label}: column ${column}`);
    assert.ok(
      diagnostic.message.length > 0 && diagnostic.message.length < 2_000,
      `${label}: message of ${diagnostic.message.length} characters: ${diagnostic.message.slice(0, 200)}`,
    );
  }
  return false;
}

describe('fuzzing the experiment-file loader', () => {
  it('never throws on thousands of mutated and random documents, and places every diagnostic', () => {
    const random = new SeededRandom(20261124);
    const started = performance.now();
    let rejected = 0;
    let cases = 0;
    let slowest = 0;
    for (let i = 0; i < 1_500; i++) {
      const seed = SEEDS[i % SEEDS.length] ?? '';
      let text = seed;
      const mutations = 1 + random.integer(4);
      for (let m = 0; m < mutations; m++) text = mutate(text, random);
      const caseStarted = performance.now();
      if (!checkDiagnostics(text, `mutated case ${i}`)) rejected++;
      slowest = Math.max(slowest, performance.now() - caseStarted);
      cases++;
    }
    for (let i = 0; i < 500; i++) {
      checkDiagnostics(randomDocument(random), `random case ${i}`);
      cases++;
    }
    const seconds = (performance.now() - started) / 1000;
    assert.ok(rejected > 750, `most mutations make an invalid file (${rejected} of 1500)`);
    // About 5 s on an idle 2-core machine; the bounds catch a hang, not a slow machine.
    assert.ok(slowest < 2_000, `one case took ${slowest.toFixed(0)} ms`);
    assert.ok(seconds < 60, `${cases} cases took ${seconds.toFixed(1)} s`);
  });

  it('rejects hostile documents (alias bombs, deep nesting, huge numbers) quickly, with a position', () => {
    for (const [index, text] of HOSTILE.entries()) {
      const started = performance.now();
      checkDiagnostics(text, `hostile case ${index}`);
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds < 2, `hostile case ${index} took ${seconds.toFixed(2)} s`);
    }
    const bomb = parseExperiment(aliasBomb(9));
    assert.equal(bomb.ok, false);
    if (!bomb.ok) assert.match(bomb.diagnostics[0]?.message ?? '', /alias/i);
  });

  it('gives file:line:col lines through loadExperimentFile for hostile and mutated files', () => {
    const folder = mkdtempSync(join(tmpdir(), 'medtransfer-fuzz-'));
    const random = new SeededRandom(7);
    const texts = [
      ...HOSTILE,
      ...Array.from({ length: 200 }, () => mutate(mutate(SEEDS[random.integer(SEEDS.length)] ?? '', random), random)),
    ];
    for (const [index, text] of texts.entries()) {
      const file = join(folder, `case${index}.experiment.yaml`);
      writeFileSync(file, text);
      const loaded = loadExperimentFile(file);
      if (loaded.ok) continue;
      for (const line of loaded.errors)
        assert.match(line, new RegExp(`case${index}\\.experiment\\.yaml:\\d+:\\d+: .+`), `case ${index}: ${line}`);
    }
  });
});
