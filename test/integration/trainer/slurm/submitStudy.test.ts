// `medtransfer submit STUDY_FILE` on the real one-node SLURM cluster: the study is one job array,
// every run has its folder (and job.sh) before it starts, `--max-parallel 1` runs them one after
// the other, and `medtransfer status STUDY_DIR` brings study.json to completed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseStudyRecord } from '../../../../src/shared/study/studyRecord';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { waitUntil } from '../../../support/polling';
import { skipIfMissing } from '../../../support/prerequisites';
import { readJobFile, slurmClusterMissing } from '../../../support/slurmCluster';
import { jobStatus } from '../../../support/slurmRuns';
import { tinyExperiment } from '../../../support/tinyExperiment';

describe('medtransfer submit (a study)', { skip: skipIfMissing(slurmClusterMissing()) }, () => {
  it('submits it as one job array whose runs, with --max-parallel 1, run one at a time and complete', async () => {
    const folder = temporaryFolder('slurm-study');
    writeExperiment(
      folder,
      'base',
      tinyExperiment({ name: 'base', evaluation: { bootstrap: { resamples: 100 }, saliency: { samplesPerClass: 0 } } }),
    );
    const studyFile = join(folder, 'grid.study.yaml');
    writeFileSync(
      studyFile,
      'name: grid\nexperiment: base.experiment.yaml\nvary:\n  target.labelsPerClass: [4, 8]\nseeds: [7]\n',
    );
    const result = runCli(['submit', studyFile, '--max-parallel', '1']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /submitted study grid as SLURM job array (\d+) \(2 runs, 1 at a time\)/);
    const studyDir = join(folder, 'runs', 'grid.study');
    assert.match(readFileSync(join(studyDir, 'job.sh'), 'utf8'), /case "\$\{SLURM_ARRAY_TASK_ID:-\}" in/);
    const array = readJobFile(studyDir);
    const read = () => {
      const parsed = parseStudyRecord(readFileSync(join(studyDir, 'study.json'), 'utf8'));
      assert.ok(parsed.ok);
      return parsed.record;
    };
    const runDirs = read().runs.map((run) => run.runDir ?? '');
    runDirs.forEach((runDir, index) => {
      assert.ok(existsSync(join(runDir, 'job.sh')), 'each run has its folder before it starts');
      assert.equal(readJobFile(runDir).jobId, `${array.jobId}_${index}`);
    });

    const rows = await waitUntil(
      'both runs to end',
      () => {
        const seen = jobStatus(studyDir);
        return seen.length === 2 && seen.every((row) => !['pending', 'running'].includes(row.status)) && seen;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    assert.deepEqual(
      rows.map((row) => row.status),
      ['completed', 'completed'],
    );
    const record = read();
    assert.equal(record.status, 'completed');
    assert.equal(record.analysis?.points.length, 2);
    const spans = runDirs.map((runDir, index) => {
      const events = readEvents(runDir);
      const started = eventsOf(events, 'run-started')[0];
      assert.equal(started?.slurm?.arrayJobId, array.jobId);
      assert.equal(started?.slurm?.arrayTaskId, index);
      assert.equal(started?.study?.point, `p${index + 1}`);
      return [Date.parse(started?.time ?? ''), Date.parse(eventsOf(events, 'run-ended')[0]?.time ?? '')] as const;
    });
    const [first, second] = spans.sort((a, b) => a[0] - b[0]);
    assert.ok(first && second && second[0] >= first[1], 'one at a time: the second started after the first ended');
  });
});
