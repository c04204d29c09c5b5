// The extension's study processes against the real CLI (dist/cli.js) on a tiny synthetic study:
// started as the lens starts it, its output passed on, stopped with SIGTERM while a run trains
// (study.json says stopped, nothing left running), resumed to the end; and what the Study view
// would show, built from the study.json and run folders it wrote.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StudyProcesses, studyArgs } from '../../../../src/extension/studies/studyProcesses';
import type { StudyEnd } from '../../../../src/extension/studies/studyProcesses';
import { summarizeStudy } from '../../../../src/extension/studies/studySummary';
import { RUN_FILES } from '../../../../src/shared/run/runFiles';
import { parseStudyRecord } from '../../../../src/shared/study/studyRecord';
import type { StudyRecord } from '../../../../src/shared/study/studyRecord';
import { loadRuns } from '../../../../webview/src/common/runCollection';
import { buildStudyTable } from '../../../../webview/src/dashboard/runsTableData';
import { temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { loadFixtureRun } from '../../../support/fixtureRuns';
import { cliPath } from '../../../support/paths';
import { waitUntil } from '../../../support/polling';
import { tinyExperiment } from '../../../support/tinyExperiment';

function readRecord(studyDir: string): StudyRecord | null {
  const file = join(studyDir, 'study.json');
  if (!existsSync(file)) return null;
  const parsed = parseStudyRecord(readFileSync(file, 'utf8'));
  return parsed.ok ? parsed.record : null;
}

describe('study processes', { skip: existsSync(cliPath) ? false : 'dist/cli.js is not built' }, () => {
  it('starts a study, stops it while a run trains, resumes it to the end', async () => {
    const folder = temporaryFolder('study-ui');
    writeExperiment(
      folder,
      'base',
      tinyExperiment({ name: 'base', evaluation: { bootstrap: { resamples: 50 }, saliency: { samplesPerClass: 0 } } }),
    );
    const studyFile = join(folder, 'labels.study.yaml');
    const text = 'name: labels\nexperiment: base.experiment.yaml\nvary:\n  target.labelsPerClass: [4, 8]\nseeds: [7]\n';
    writeFileSync(studyFile, text);
    const summary = summarizeStudy(text, studyFile, (path) => ({ ok: true, text: readFileSync(path, 'utf8') }));
    assert.deepEqual(
      { valid: summary.valid, runCount: summary.runCount, name: summary.name },
      { valid: true, runCount: 2, name: 'labels' },
    );
    const runsDir = join(folder, 'runs');
    const studyDir = join(runsDir, 'labels.study');
    const lines: string[] = [];
    const ends: StudyEnd[] = [];
    const processes = new StudyProcesses({ cliPath, output: (_file, line) => lines.push(line) });
    processes.onDidEnd((end) => ends.push(end));
    assert.deepEqual(studyArgs({ studyFile, runsDir, resume: true }), [
      'study',
      studyFile,
      '--runs-dir',
      runsDir,
      '--no-progress',
      '--resume',
    ]);

    assert.ok(processes.start({ studyFile, runsDir, resume: false }));
    assert.ok(!processes.start({ studyFile, runsDir, resume: false }), 'one process per study');
    assert.ok(processes.isRunning(studyFile));
    // Stop once the first run has trained an epoch (its checkpoint lets resume continue it).
    await waitUntil(
      'the first run to train',
      () => {
        const runDir = readRecord(studyDir)?.runs[0]?.runDir;
        return runDir ? readFileSync(join(runDir, RUN_FILES.events), 'utf8').includes('"epoch-ended"') : false;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    assert.ok(processes.stop(studyFile));
    assert.ok(processes.isStopping(studyFile));
    await waitUntil('the study to end', () => ends.length === 1, { timeoutMs: 60_000 });
    assert.ok(!processes.isRunning(studyFile));
    const stopped = readRecord(studyDir);
    assert.equal(stopped?.status, 'stopped', lines.join('\n'));
    assert.ok(lines.length > 0, 'the output was passed on');

    assert.ok(processes.start({ studyFile, runsDir, resume: true }));
    await waitUntil('the resumed study to end', () => ends.length === 2, { timeoutMs: 120_000, intervalMs: 100 });
    assert.equal(ends[1]?.code, 0, lines.slice(-20).join('\n'));
    const record = readRecord(studyDir);
    assert.ok(record);
    assert.equal(record.status, 'completed');
    assert.deepEqual(
      record.runs.map((run) => run.status),
      ['completed', 'completed'],
    );
    // What the Study view shows: a row a run with its labels per class and seed, each openable.
    const runs = loadRuns(record.runs.map((run) => loadFixtureRun(run.runDir ?? '').snapshot));
    const table = buildStudyTable(record, runs);
    assert.deepEqual(
      table.rows.map((row) => [row.settings, row.status, row.openable, row.aucFineTuned !== null]),
      [
        [[4, 7], 'completed', true, true],
        [[8, 7], 'completed', true, true],
      ],
    );
    processes.dispose();
  });
});
