// parseExperiment's positions become editor ranges at the exact key or value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import { toEditorProblem, toEditorProblems } from '../../../../src/extension/diagnostics/diagnosticRanges';

const TEXT = [
  'name: demo',
  'model: { architecture: seed-cnn }',
  'source: { dataset: { type: synthetic, task: source } }',
  'target:',
  '  dataset: { type: synthetic, task: target }',
  'training:',
  '  learningrate: 0.01',
  '',
].join('\n');

function problemsOf(text: string) {
  const parsed = parseExperiment(text);
  assert.equal(parsed.ok, false);
  return toEditorProblems(parsed.diagnostics, text);
}

describe('diagnostic ranges', () => {
  it('underlines a misspelt key exactly (0-based, end exclusive)', () => {
    const [problem] = problemsOf(TEXT);
    assert.deepEqual(problem?.range, { startLine: 6, startCharacter: 2, endLine: 6, endCharacter: 14 });
    assert.match(problem?.message ?? '', /unknown key `learningrate`.*did you mean `learningRate`/);
    assert.equal(problem?.path, 'training.learningrate');
    const line = TEXT.split('\n')[6] ?? '';
    assert.equal(line.slice(problem?.range.startCharacter, problem?.range.endCharacter), 'learningrate');
  });

  it('underlines a wrong value', () => {
    const text = TEXT.replace('  learningrate: 0.01', '  batchSize: -3');
    const [problem] = problemsOf(text);
    const line = text.split('\n')[6] ?? '';
    assert.equal(line.slice(problem?.range.startCharacter, problem?.range.endCharacter), '-3');
  });

  it('underlines an inputShape the architecture cannot take', () => {
    const text = TEXT.replace('  learningrate: 0.01', '  batchSize: 8').replace(
      'architecture: seed-cnn }',
      'architecture: seed-cnn, inputShape: [16, 16, 1] }',
    );
    const [problem, ...others] = problemsOf(text);
    assert.equal(others.length, 0);
    const line = text.split('\n')[1] ?? '';
    assert.equal(line.slice(problem?.range.startCharacter, problem?.range.endCharacter), '[16, 16, 1]');
    assert.match(problem?.message ?? '', /seed-cnn needs images of at least 18×18/);
  });

  it('gives a YAML syntax error a visible range', () => {
    const [problem] = problemsOf('name: demo\nmodel: { architecture: seed-cnn\n');
    assert.ok(problem);
    assert.match(problem.message, /syntax error/);
    // At the end of the file (an empty last line): the last character before it is underlined.
    assert.deepEqual(problem.range, { startLine: 1, startCharacter: 30, endLine: 1, endCharacter: 31 });
  });

  it('widens an empty range to one character, or back over the last one at a line end', () => {
    const lengths = [10, 0, 5];
    const at = (line: number, column: number) =>
      toEditorProblem(
        { start: { line, column }, end: { line, column }, message: 'm', path: '' },
        (index) => lengths[index] ?? 0,
        3,
      ).range;
    assert.deepEqual(at(1, 3), { startLine: 0, startCharacter: 2, endLine: 0, endCharacter: 3 });
    assert.deepEqual(at(1, 11), { startLine: 0, startCharacter: 9, endLine: 0, endCharacter: 10 });
    assert.deepEqual(at(2, 1), { startLine: 0, startCharacter: 9, endLine: 0, endCharacter: 10 });
  });

  it('clamps positions past the end of the text', () => {
    const range = toEditorProblem(
      { start: { line: 9, column: 40 }, end: { line: 12, column: 1 }, message: 'm', path: '' },
      () => 4,
      3,
    ).range;
    assert.deepEqual(range, { startLine: 2, startCharacter: 3, endLine: 2, endCharacter: 4 });
  });

  it('maps an empty file', () => {
    const [problem] = problemsOf('');
    assert.deepEqual(problem?.range, { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 });
    assert.match(problem?.message ?? '', /empty/);
  });
});
