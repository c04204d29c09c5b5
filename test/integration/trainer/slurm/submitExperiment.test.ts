// `medtransfer submit` of an experiment on the real one-node SLURM cluster: the run becomes a job
// whose folder exists while it is queued, whose trainer records the job, and whose end the folder
// and sacct agree on, in a folder whose path a shell would mangle. Bad cluster options are refused
// before sbatch sees them; sbatch's own refusals and a missing sbatch are said plainly.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { waitUntil } from '../../../support/polling';
import { skipIfMissing } from '../../../support/prerequisites';
import { readJobFile, sacctState, slurmClusterMissing } from '../../../support/slurmCluster';
import { jobStatus, waitForStatus } from '../../../support/slurmRuns';
import { tinyExperiment } from '../../../support/tinyExperiment';

describe('medtransfer submit (an experiment)', { skip: skipIfMissing(slurmClusterMissing()) }, () => {
  it('runs it as a SLURM job in a hostile path: queued with a folder, then completed, the folder and sacct agreeing', async () => {
    const base = temporaryFolder('slurm-submit');
    const hostile = join(base, `it's a "dir" $(touch pwned) \`touch pwned2\`\nsecond line; rm -rf ~`);
    mkdirSync(hostile);
    const file = writeExperiment(hostile, 'tiny', tinyExperiment({ name: 'tiny' }));
    const result = runCli(['submit', file, '--partition', 'debug', '--time', '00:10:00', '--run-id', 'job-1']);
    assert.equal(result.status, 0, result.stderr);
    const runDir = join(hostile, 'runs', 'tiny', 'job-1');
    // Readable before the trainer starts: the script and the job.
    const job = readJobFile(runDir);
    assert.match(job.jobId, /^\d+$/);
    assert.equal(job.run?.runId, 'job-1');
    assert.match(readFileSync(join(runDir, 'job.sh'), 'utf8'), /^#SBATCH --partition=debug$/m);
    assert.match(result.stderr, new RegExp(`submitted tiny as SLURM job ${job.jobId}`));

    const row = await waitForStatus(runDir, ['completed', 'failed', 'interrupted', 'stopped']);
    assert.equal(row.status, 'completed', JSON.stringify(row));
    const events = readEvents(runDir);
    const started = eventsOf(events, 'run-started')[0];
    assert.equal(started?.slurm?.jobId, job.jobId);
    assert.equal(started?.slurm?.arrayTaskId, null);
    assert.ok(started?.slurm?.node, 'the node is recorded');
    assert.equal(started?.runDir, runDir);
    assert.equal(eventsOf(events, 'run-ended')[0]?.status, 'completed');
    assert.equal(
      await waitUntil('sacct to know the job', () => sacctState(job.jobId), { timeoutMs: 30_000 }),
      'COMPLETED',
    );
    assert.match(readFileSync(join(runDir, 'slurm.out'), 'utf8'), /Run folder: /);
    // Nothing in the path ran as a command.
    for (const folder of [base, hostile, runDir])
      assert.deepEqual(
        readdirSync(folder).filter((name) => name.startsWith('pwned')),
        [],
      );
  });

  it("a queued run reads pending with SLURM's reason; cancelled, it says it never started", () => {
    const folder = temporaryFolder('slurm-pending');
    const file = writeExperiment(folder, 'tiny', tinyExperiment({ name: 'tiny' }));
    const submitted = runCli(['submit', file, '--run-id', 'later', '--sbatch-arg=--begin=now+600']);
    assert.equal(submitted.status, 0, submitted.stderr);
    const runDir = join(folder, 'runs', 'tiny', 'later');
    const [pending] = jobStatus(runDir);
    assert.equal(pending?.status, 'pending');
    // SLURM's own reason: BeginTime, or Resources while another test's exclusive job holds the node.
    assert.match(pending?.detail ?? '', /^waiting: (BeginTime|Resources)$/);
    assert.equal(runCli(['cancel', runDir]).status, 0);
    const [cancelled] = jobStatus(runDir);
    assert.equal(cancelled?.status, 'stopped', JSON.stringify(cancelled));
    assert.match(cancelled?.detail ?? '', /^SLURM job \d+ was cancelled before it started/);
    assert.match(readJobFile(runDir).endedBeforeStart ?? '', /cancelled before it started/);
    assert.equal(existsSync(join(runDir, 'events.jsonl')), false);
  });

  it('refuses a partition named `x; rm -rf ~` and an odd --sbatch-arg before sbatch, making no folder', () => {
    const folder = temporaryFolder('slurm-refuse');
    const file = writeExperiment(folder, 'tiny', tinyExperiment({ name: 'tiny' }));
    const result = runCli([
      'submit',
      file,
      '--partition',
      'x; rm -rf ~',
      '--sbatch-arg=--comment=$(id)',
      '--sbatch-arg=--output=/tmp/x',
    ]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--partition "x; rm -rf ~" is not a partition name/);
    assert.match(result.stderr, /--sbatch-arg "--comment=\$\(id\)" is refused/);
    assert.match(result.stderr, /MedTransfer sets --output itself/);
    assert.equal(existsSync(join(folder, 'runs')), false);
  });

  it("says what sbatch said of an unknown partition, lists the cluster's, and removes the folder it made", () => {
    const folder = temporaryFolder('slurm-partition');
    const file = writeExperiment(folder, 'tiny', tinyExperiment({ name: 'tiny' }));
    const result = runCli(['submit', file, '--partition', 'nosuch']);
    assert.equal(result.status, 3);
    assert.match(
      result.stderr,
      /SLURM has no partition `nosuch` \(its partitions: [^)]*debug[^)]*\); sbatch said: .*invalid partition/i,
    );
    assert.deepEqual(readdirSync(join(folder, 'runs', 'tiny')), []);
  });

  it('says where it looked when sbatch is not on PATH, before making a folder; --dry-run needs no sbatch', () => {
    const folder = temporaryFolder('slurm-missing');
    const file = writeExperiment(folder, 'tiny', tinyExperiment({ name: 'tiny' }));
    const env = { ...process.env, PATH: '/no/such/bin:/also/not' };
    const missing = runCli(['submit', file], { env });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /sbatch not found: .*Looked in PATH: \/no\/such\/bin, \/also\/not/);
    assert.equal(existsSync(join(folder, 'runs')), false);
    const dry = runCli(['submit', file, '--dry-run', '--time', '1:00:00', '--requeue', '--run-id', 'r1'], { env });
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^#SBATCH --time=1:00:00$/m);
    assert.match(dry.stdout, /^#SBATCH --requeue$/m);
    assert.match(dry.stdout, /^#SBATCH --signal=B:USR1@300$/m);
    assert.match(dry.stdout, /exec "\$node" "\$cli" run '.*tiny\.experiment\.yaml' --runs-dir '.*' --run-id 'r1'/);
    assert.equal(existsSync(join(folder, 'runs')), false);
  });
});
