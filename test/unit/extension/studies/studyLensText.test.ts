// The lenses above a study file in each state: not run, running here, stopping, running elsewhere,
// half done, done, untrusted, invalid.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { studyLenses } from '../../../../src/extension/studies/studyLensText';
import type { StudyLensInput } from '../../../../src/extension/studies/studyLensText';
import { summarizeStudy } from '../../../../src/extension/studies/studySummary';
import { studyFixture } from '../../../support/studyFixture';
import { tinyExperiment } from '../../../support/tinyExperiment';

const base: StudyLensInput = {
  running: false,
  stopping: false,
  trusted: true,
  valid: true,
  runCount: 12,
  record: null,
};
const titles = (input: Partial<StudyLensInput>) => studyLenses({ ...base, ...input }).map((lens) => lens.title);

describe('study lenses', () => {
  it('run, resume, stop or nothing to start, and always Open study with the progress', () => {
    const { record } = studyFixture();
    assert.deepEqual(titles({}), ['▶ Run study (12 runs)', 'Open study']);
    assert.deepEqual(titles({ running: true, record }), ['■ Stop study', 'Open study · 10 of 12 runs done']);
    assert.deepEqual(titles({ running: true, stopping: true }), ['■ Stopping…', 'Open study']);
    assert.deepEqual(titles({ record }), ['Open study · 10 of 12 runs done'], 'running in another window');
    const stopped = { ...record, status: 'stopped' as const };
    assert.deepEqual(titles({ record: stopped }), [
      '▶ Resume study (2 of 12 runs left)',
      'Open study · 10 of 12 runs done',
    ]);
    const done = {
      ...record,
      status: 'completed' as const,
      runs: record.runs.map((run) => ({ ...run, status: 'completed' as const })),
    };
    assert.deepEqual(titles({ record: done }), ['▶ Run study (12 runs)', 'Open study · 12 of 12 runs done']);
    assert.deepEqual(titles({ trusted: false }), ['▶ Run study (disabled in Restricted Mode)', 'Open study']);
    assert.deepEqual(titles({ valid: false }), ['Open study']);
  });

  it('a study whose base experiment does not validate, or varies a key no experiment has, is invalid at that line', () => {
    const text = 'name: s\nexperiment: base.experiment.yaml\nvary:\n  target.labelsPerClas: [5, 10]\n';
    const unknownKey = summarizeStudy(text, '/w/s.study.yaml', () => ({ ok: true, text: tinyExperiment() }));
    assert.equal(unknownKey.valid, false);
    assert.equal(unknownKey.experimentFile, '/w/base.experiment.yaml');
    assert.equal(unknownKey.diagnostics[0]?.start.line, 4);
    assert.match(unknownKey.diagnostics[0]?.message ?? '', /labelsPerClass/, 'did you mean');
    const invalidBase = summarizeStudy(text, '/w/s.study.yaml', () => ({ ok: true, text: 'name: base\n' }));
    assert.equal(invalidBase.diagnostics[0]?.start.line, 2, 'at `experiment:`');
    const missing = summarizeStudy(text, '/w/s.study.yaml', () => ({ ok: false, reason: 'ENOENT' }));
    assert.deepEqual(
      missing.diagnostics.map((diagnostic) => [diagnostic.start.line, diagnostic.message]),
      [[2, 'cannot read the base experiment `base.experiment.yaml`: ENOENT']],
    );
  });
});
