// The runs of a study share their source phase: the first run of a seed pretrains and keeps its
// source model in the study folder, the next run of that seed loads it instead of pretraining,
// and then trains exactly as a run that pretrained itself (same losses, same metrics). An entry
// that cannot be read is not used: the run pretrains and says why.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { parseStudyRecord } from '../../../../src/shared/study/studyRecord';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { tinyExperiment } from '../../../support/tinyExperiment';

function studyRunDirs(runsDir: string, name: string): string[] {
  const parsed = parseStudyRecord(readFileSync(join(runsDir, `${name}.study`, 'study.json'), 'utf8'));
  assert.ok(parsed.ok, !parsed.ok ? parsed.reason : '');
  return parsed.record.runs.map((run) => run.runDir ?? '');
}

/** Each epoch of the target phases: phase, epoch, losses and accuracies, as the run logged them. */
function targetEpochs(events: TrainerEvent[]): unknown[] {
  return eventsOf(events, 'epoch-ended')
    .filter((event) => event.phase !== 'source')
    .map(({ phase, epoch, metrics }) => [phase, epoch, metrics]);
}

function logLines(events: TrainerEvent[]): string[] {
  return eventsOf(events, 'log').map((event) => event.message);
}

function fineTunedAuc(runDir: string): number {
  const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as {
    models: { 'fine-tuned': { auc: number } };
  };
  return metrics.models['fine-tuned'].auc;
}

/** One run of the study, as `medtransfer study` starts it, into `runsDir`. */
function runPoint(folder: string, point: string, runsDir: string): ReturnType<typeof runCli> {
  const experimentFile = join(folder, 'base.experiment.yaml');
  const studyFile = join(folder, 'labels.study.yaml');
  const args = ['run', experimentFile, '--study', studyFile, '--point', point, '--seed', '5', '--runs-dir', runsDir];
  return runCli([...args, '--quiet'], { timeoutMs: 120_000 });
}

describe('a study’s shared source models', () => {
  it('pretrains once a seed, and a run that reuses the source model trains as one that pretrained', () => {
    const folder = temporaryFolder('study-source-reuse');
    writeExperiment(
      folder,
      'base',
      tinyExperiment({
        name: 'base',
        source: { epochs: 2 },
        evaluation: { bootstrap: { resamples: 0 }, saliency: { samplesPerClass: 0 } },
      }),
    );
    const studyFile = join(folder, 'labels.study.yaml');
    writeFileSync(
      studyFile,
      'name: labels\nexperiment: base.experiment.yaml\nvary: { target.labelsPerClass: [4, 8] }\nseeds: [5]\n',
    );
    const runsDir = join(folder, 'runs');
    const study = runCli(['study', studyFile, '--runs-dir', runsDir, '--quiet'], { timeoutMs: 180_000 });
    assert.equal(study.status, 0, study.stderr);
    const [first, second] = studyRunDirs(runsDir, 'labels');
    assert.ok(first && second);

    const firstEvents = readEvents(first);
    assert.equal(eventsOf(firstEvents, 'epoch-ended').filter((event) => event.phase === 'source').length, 2);
    assert.ok(
      logLines(firstEvents).some((line) => line.startsWith('source: model kept in ')),
      logLines(firstEvents).join('\n'),
    );
    const entries = readdirSync(join(runsDir, 'labels.study', 'source-models'));
    assert.equal(entries.length, 1, `one source phase for one seed: ${entries.join(', ')}`);

    const secondEvents = readEvents(second);
    const sourceStarted = eventsOf(secondEvents, 'phase-started').find((event) => event.phase === 'source');
    assert.match(sourceStarted?.description ?? '', /^reuse the source model run \S+ of this study pretrained/);
    assert.equal(eventsOf(secondEvents, 'phase-ended').find((event) => event.phase === 'source')?.epochsRun, 0);
    assert.equal(eventsOf(secondEvents, 'epoch-ended').filter((event) => event.phase === 'source').length, 0);
    assert.ok(
      logLines(secondEvents).some((line) => /^source: pretrained on .* by run \S+ in \d+ s, reused from /.test(line)),
      logLines(secondEvents).join('\n'),
    );
    const metadata = JSON.parse(readFileSync(join(second, 'source-model', 'metadata.json'), 'utf8')) as {
      weightsSource: string;
    };
    assert.match(metadata.weightsSource, /^pretrained on .* for 2 epochs \(by run \S+ of the study, reused\)$/);

    // The same run of the study in a folder with nothing to reuse pretrains, and then trains the same.
    const freshRunsDir = join(folder, 'fresh');
    const fresh = runPoint(folder, 'p2', freshRunsDir);
    assert.equal(fresh.status, 0, fresh.stderr);
    const [freshRun] = readdirSync(join(freshRunsDir, 'base'));
    assert.ok(freshRun);
    const freshDir = join(freshRunsDir, 'base', freshRun);
    const freshEvents = readEvents(freshDir);
    assert.equal(eventsOf(freshEvents, 'epoch-ended').filter((event) => event.phase === 'source').length, 2);
    assert.deepEqual(targetEpochs(secondEvents), targetEpochs(freshEvents), 'the same losses, epoch by epoch');
    assert.equal(fineTunedAuc(second), fineTunedAuc(freshDir));

    // A damaged entry is no source model: the run pretrains and says why.
    const entryFile = join(runsDir, 'labels.study', 'source-models', entries[0] ?? '', 'entry.json');
    writeFileSync(entryFile, '{ "format": "medtransfer-source-model/1", "key": ');
    const again = runPoint(folder, 'p1', runsDir);
    assert.equal(again.status, 0, again.stderr);
    const againDir = readdirSync(join(runsDir, 'base'))
      .map((id) => join(runsDir, 'base', id))
      .find((dir) => dir !== first && dir !== second);
    assert.ok(againDir);
    const againEvents = readEvents(againDir);
    assert.equal(eventsOf(againEvents, 'epoch-ended').filter((event) => event.phase === 'source').length, 2);
    assert.ok(
      eventsOf(againEvents, 'log').some(
        (event) =>
          event.level === 'warn' &&
          /^source: the study's shared source model in .* is not used \(.*entry\.json cannot be read: /.test(
            event.message,
          ),
      ),
      logLines(againEvents).join('\n'),
    );
  });
});
