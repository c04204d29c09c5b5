// `medtransfer study` through the real CLI on tiny synthetic experiments: every point × seed a
// normal run folder whose run-started names its study and point, study.json with the runs and the
// analysis, a failed point that does not stop the others, and a study killed half-way that
// --resume finishes (skipping the run that ended, resuming the one that was interrupted).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseStudyRecord } from '../../../../src/shared/study/studyRecord';
import type { StudyRecord } from '../../../../src/shared/study/studyRecord';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath, repoRoot } from '../../../support/paths';
import { waitUntil } from '../../../support/polling';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

function readRecord(folder: string, name: string): StudyRecord {
  const parsed = parseStudyRecord(readFileSync(join(folder, 'runs', `${name}.study`, 'study.json'), 'utf8'));
  assert.ok(parsed.ok, !parsed.ok ? parsed.reason : '');
  return parsed.record;
}

/**
 * A study of the `slow` experiment in `folder`: slow enough that a run killed after its first
 * checkpoint still trains when --resume starts (on the native kernels, 4 epochs ended in the
 * moment between the two). Returns the study file.
 */
function writeSlowStudy(folder: string, name: string, vary: string, seeds?: string): string {
  writeExperiment(
    folder,
    'slow',
    tinyExperiment({
      name: 'slow',
      source: { dataset: synthetic('source', 320), epochs: 16 },
      evaluation: { bootstrap: { resamples: 0 }, saliency: { samplesPerClass: 0 } },
    }),
  );
  const studyFile = join(folder, `${name}.study.yaml`);
  const seedsLine = seeds === undefined ? '' : `seeds: ${seeds}\n`;
  writeFileSync(studyFile, `name: ${name}\nexperiment: slow.experiment.yaml\nvary: ${vary}\n${seedsLine}`);
  return studyFile;
}

describe('medtransfer study', () => {
  it('runs every point × seed as a run folder, and a failed point does not stop the others', () => {
    const folder = temporaryFolder('study');
    writeExperiment(
      folder,
      'base',
      tinyExperiment({ name: 'base', evaluation: { bootstrap: { resamples: 100 }, saliency: { samplesPerClass: 0 } } }),
    );
    // `tumour` is no class of the data: the run fails when it has read it, after validating.
    const studyFile = join(folder, 'grid.study.yaml');
    writeFileSync(
      studyFile,
      'name: grid\nexperiment: base.experiment.yaml\nvary:\n' +
        '  evaluation.positiveClass: [lesion, tumour]\n  target.labelsPerClass: [4, 12]\nseeds: [7]\n',
    );
    const result = runCli(['study', studyFile, '--max-parallel', '2', '--quiet'], { timeoutMs: 180_000 });
    assert.equal(result.status, 3, `a failed run makes the study exit 3\n${result.stderr}`);
    assert.match(result.stdout, /Study grid: 4 runs, 2 completed, 2 failed \(failed;/);

    const record = readRecord(folder, 'grid');
    assert.equal(record.status, 'failed');
    assert.equal(record.experimentName, 'base');
    assert.deepEqual(
      record.points.map((point) => point.label),
      [
        'positiveClass lesion, labelsPerClass 4',
        'positiveClass lesion, labelsPerClass 12',
        'positiveClass tumour, labelsPerClass 4',
        'positiveClass tumour, labelsPerClass 12',
      ],
    );
    assert.deepEqual(
      record.runs.map((run) => [run.point, run.seed, run.status, run.errorKind]),
      [
        ['p1', 7, 'completed', null],
        ['p2', 7, 'completed', null],
        ['p3', 7, 'failed', 'experiment'],
        ['p4', 7, 'failed', 'experiment'],
      ],
    );
    for (const run of record.runs) {
      assert.ok(run.runDir?.startsWith(join(folder, 'runs', 'base')), `a normal run folder: ${run.runDir}`);
      const [started] = eventsOf(readEvents(run.runDir ?? ''), 'run-started');
      assert.deepEqual(started?.study, {
        name: 'grid',
        studyFile,
        studyDir: join(folder, 'runs', 'grid.study'),
        point: run.point,
        values: record.points.find((point) => point.id === run.point)?.values,
        seed: 7,
      });
      assert.equal(started?.experimentFile, join(folder, 'base.experiment.yaml'));
    }
    // Each completed run: its own labels and seed, and its metrics in the analysis.
    const [p1, p2] = record.runs;
    assert.ok(p1?.runDir && p2?.runDir);
    const experiment = JSON.parse(readFileSync(join(p2.runDir, 'experiment.json'), 'utf8')) as {
      seed: number;
      target: { labelsPerClass: number };
    };
    assert.equal(experiment.seed, 7);
    assert.equal(experiment.target.labelsPerClass, 12);
    const metrics = JSON.parse(readFileSync(join(p2.runDir, 'metrics.json'), 'utf8')) as {
      models: { 'fine-tuned': { auc: number } };
      study: { point: string };
    };
    assert.equal(metrics.study.point, 'p2');
    const analysed = record.analysis?.points.find((point) => point.point === 'p2');
    assert.equal(analysed?.labelsPerClass, 12, 'the labels per class the run had');
    assert.equal(analysed?.models['fine-tuned']?.auc?.mean, metrics.models['fine-tuned'].auc);
    assert.equal(record.analysis?.series.length, 2, 'a learning curve per positive class');
    assert.match(record.analysis?.methods ?? '', /Welch–Satterthwaite/);

    // The study's report: the chart of each series (two here), the table, the failures, the methods.
    const studyDir = join(folder, 'runs', 'grid.study');
    const report = runCli(['report', studyDir]);
    assert.equal(report.status, 0, report.stderr);
    const markdown = readFileSync(join(studyDir, 'report', 'report.md'), 'utf8');
    assert.match(markdown, /^# MedTransfer study: grid$/m);
    assert.match(markdown, /\| positiveClass lesion, labelsPerClass 12 \| 12 \| 1\/1 \| 0\.\d{3} /);
    assert.match(markdown, /positiveClass tumour, labelsPerClass 4, seed 7: failed \(experiment\)/);
    assert.match(markdown, /## Methods\n\nEvery point of the grid was run with 1 seed;/);
    const svg = readFileSync(join(studyDir, 'report', 'label-efficiency.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/<circle /g)?.length, 2 * 2 + 2, 'a dot per model and label count, and the legend’s');
    const empty = readFileSync(join(studyDir, 'report', 'label-efficiency-2.svg'), 'utf8');
    assert.doesNotMatch(empty, /NaN|Infinity/, 'the series whose runs all failed: an empty chart');
    assert.match(readFileSync(join(studyDir, 'report', 'report.html'), 'utf8'), /<svg[^>]*aria-label="AUC by labels/);
  });

  it('resumes a study killed half-way: the run that ended is kept, the interrupted one resumed', async () => {
    const folder = temporaryFolder('study-resume');
    // Two source phases (a run that shares the first's source model would reach its checkpoint with
    // little left to train, and might end before it is killed).
    const studyFile = writeSlowStudy(folder, 'halves', '{ source.epochs: [16, 17] }', '[1]');
    const child = spawn(process.execPath, [cliPath, 'study', studyFile, '--quiet'], {
      cwd: repoRoot,
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Killed, with its run, once the second run has a checkpoint to resume from.
    const second = await waitUntil(
      'the second run’s checkpoint',
      () => {
        const runDir = readRecord(folder, 'halves').runs[1]?.runDir;
        return runDir && existsSync(join(runDir, 'checkpoint')) ? runDir : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 20 },
    );
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await exited;
    const before = readRecord(folder, 'halves');
    assert.equal(before.runs[0]?.status, 'completed');
    const firstEvents = readFileSync(join(before.runs[0]?.runDir ?? '', 'events.jsonl'), 'utf8');

    const again = runCli(['study', studyFile]);
    assert.equal(again.status, 2, 'an existing study folder needs --resume');
    assert.match(again.stderr, /continue it with --resume/);

    const resumed = runCli(['study', studyFile, '--resume', '--quiet'], { timeoutMs: 180_000 });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /1 of 2 runs already ended; 1 to run/);
    const after = readRecord(folder, 'halves');
    assert.equal(after.status, 'completed');
    assert.deepEqual(
      after.runs.map((run) => run.status),
      ['completed', 'completed'],
    );
    assert.equal(after.runs[0]?.runDir, before.runs[0]?.runDir);
    assert.equal(readFileSync(join(after.runs[0]?.runDir ?? '', 'events.jsonl'), 'utf8'), firstEvents, 'not run again');
    assert.equal(after.runs[1]?.runDir, second, 'the same folder, resumed');
    assert.equal(eventsOf(readEvents(second), 'run-resumed').length, 1);
    const metrics = JSON.parse(readFileSync(join(second, 'metrics.json'), 'utf8')) as { study?: { point: string } };
    assert.equal(metrics.study?.point, 'p2', 'the resumed run’s metrics.json still names its study');
  });

  it('resumes a study whose process alone was killed: it waits for the run still training', async () => {
    const folder = temporaryFolder('study-orphan');
    const studyFile = writeSlowStudy(folder, 'orphan', '{ target.labelsPerClass: [4, 8] }');
    const child = spawn(process.execPath, [cliPath, 'study', studyFile, '--quiet'], { cwd: repoRoot, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const first = await waitUntil(
      'the first run’s checkpoint',
      () => {
        const runDir = readRecord(folder, 'orphan').runs[0]?.runDir;
        return runDir && existsSync(join(runDir, 'checkpoint')) ? runDir : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 20 },
    );
    child.kill('SIGKILL');
    await exited;
    const resumed = runCli(['study', studyFile, '--resume', '--quiet'], { timeoutMs: 180_000 });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /waiting for the trainer still running p1 seed 3/);
    const record = readRecord(folder, 'orphan');
    assert.deepEqual(
      record.runs.map((run) => run.status),
      ['completed', 'completed'],
    );
    assert.equal(record.runs[0]?.runDir, first);
    assert.equal(eventsOf(readEvents(first), 'run-resumed').length, 0, 'its own trainer finished it');
  });

  it('passes a stop on to its running run and starts no more', async () => {
    const folder = temporaryFolder('study-stop');
    const studyFile = writeSlowStudy(folder, 'stopped', '{ target.labelsPerClass: [4, 8] }');
    // As the extension's Stop does: SIGTERM to the study's process only.
    const child = spawn(process.execPath, [cliPath, 'study', studyFile, '--quiet'], { cwd: repoRoot, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitUntil(
      'the first run’s checkpoint',
      () => {
        const runDir = readRecord(folder, 'stopped').runs[0]?.runDir;
        return runDir && existsSync(join(runDir, 'checkpoint'));
      },
      { timeoutMs: 120_000, intervalMs: 20 },
    );
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'a stopped study exits 0');
    const record = readRecord(folder, 'stopped');
    assert.equal(record.status, 'stopped');
    assert.equal(record.pid, null);
    assert.deepEqual(
      record.runs.map((run) => [run.status, run.errorKind]),
      [
        ['stopped', null],
        ['pending', null],
      ],
    );
  });

  it('validates a study file with its base experiment, naming the line', () => {
    const folder = temporaryFolder('study-validate');
    writeExperiment(folder, 'base', tinyExperiment({ name: 'base' }));
    const studyFile = join(folder, 'bad.study.yaml');
    writeFileSync(studyFile, 'name: bad\nexperiment: base.experiment.yaml\nvary:\n  target.labelPerClass: [4]\n');
    const result = runCli(['validate', studyFile]);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr.trim(),
      `${studyFile}:4:3: \`target.labelPerClass\` is not an experiment key: ` +
        'unknown key `labelPerClass` in `target`; did you mean `labelsPerClass`?',
    );
  });
});
