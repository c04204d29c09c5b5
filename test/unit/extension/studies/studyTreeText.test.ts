// The study and its points in the Experiments tree: how far the study is, each point's runs and
// fine-tuned AUC, and problems instead when the study file does not check out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { studyItemSpec, studyPointItemSpec } from '../../../../src/extension/studies/studyTreeText';
import { studyFixture } from '../../../support/studyFixture';

describe('study tree items', () => {
  const { record } = studyFixture();
  const summary = { name: 'pneumonia-labels', valid: true, diagnostics: [], runCount: 12, experimentFile: '/w/a' };

  it('a study: n of N runs done, running or not run yet, or its problems', () => {
    const item = (input: Partial<Parameters<typeof studyItemSpec>[0]>) =>
      studyItemSpec({ stem: 'labels', relativePath: 'labels.study.yaml', summary, record, running: false, ...input });
    assert.equal(item({}).description, '10 of 12 runs done · running');
    assert.equal(item({}).contextValue, 'study.idle.hasRecord');
    assert.equal(item({ running: true }).contextValue, 'study.running.hasRecord');
    assert.equal(item({ record: null }).description, 'not run yet · 12 runs');
    const invalid = item({ summary: { ...summary, valid: false, diagnostics: [summary.diagnostics[0] ?? dummy()] } });
    assert.equal(invalid.description, '1 problem');
  });

  it('a point: its label, runs done, failures and the fine-tuned AUC over seeds', () => {
    const p1 = studyPointItemSpec(record, 'p1');
    const auc = record.analysis?.points[0]?.models['fine-tuned']?.auc;
    assert.ok(auc);
    assert.equal(p1.label, 'labelsPerClass 5');
    assert.equal(
      p1.description,
      `3 of 3 done · AUC ${auc.mean.toFixed(2)} [${auc.low.toFixed(2)}, ${auc.high.toFixed(2)}]`,
    );
    assert.equal(studyPointItemSpec(record, 'p4').description, '0 of 3 done · 1 failed');
  });
});

function dummy() {
  return { start: { line: 1, column: 1 }, end: { line: 1, column: 2 }, message: 'x', path: '' };
}
