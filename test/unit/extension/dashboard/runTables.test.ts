// What an experiments table or a Study view shows, and how a table panel is found again after a
// window reload from what its webview saved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { studyTable, tableFromWebviewState } from '../../../../src/extension/dashboard/runTables';
import type { StudyEntry } from '../../../../src/extension/studies/studyIndex';
import { studyFixture } from '../../../support/studyFixture';

describe('run tables', () => {
  it('a study shows the runs study.json lists that have a folder, with the record', () => {
    const { record } = studyFixture();
    const entry = {
      path: '/w/labels.study.yaml',
      stem: 'labels',
      relativePath: 'labels.study.yaml',
      summary: { name: 'pneumonia-labels', valid: true, diagnostics: [], runCount: 12, experimentFile: null },
      record,
    } as unknown as StudyEntry;
    const content = studyTable({ get: (path) => (path === entry.path ? entry : undefined) }, entry.path);
    assert.ok(content);
    assert.equal(content.table.kind, 'study');
    assert.equal(content.table.name, 'pneumonia-labels');
    assert.deepEqual(
      content.keys,
      record.runs.flatMap((run) => (run.runDir ? [run.runDir] : [])),
    );
    assert.equal(content.keys.length, 11, 'the run not started has no folder');
    assert.equal(studyTable({ get: () => undefined }, '/w/gone.study.yaml'), null);
  });

  it('reopens a table from the kind and path its webview saved, and nothing from anything else', () => {
    assert.deepEqual(tableFromWebviewState({ tab: null, table: { kind: 'study', path: '/w/a.study.yaml' } }), {
      kind: 'study',
      path: '/w/a.study.yaml',
    });
    assert.equal(tableFromWebviewState({ keys: ['/runs/a/1'] }), null, 'a run dashboard');
    assert.equal(tableFromWebviewState({ table: { kind: 'shell', path: '/bin/sh' } }), null);
    assert.equal(tableFromWebviewState({ table: { kind: 'experiment', path: 'x'.repeat(5000) } }), null);
    assert.equal(tableFromWebviewState(null), null);
  });
});
