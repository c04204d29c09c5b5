// How a run stands after its trainer was killed, through the real CLI: `medtransfer report`, the
// extension's views (RunStore + RunLiveness, as a window that did not start the run reads it) and
// `medtransfer resume` all decide it the one way (shared/run/runStatus.ts). A SIGKILLed run reads
// `interrupted` at once, not `running`; a resumed run killed again reads `interrupted`, not the
// `stopped` that an earlier attempt left in metrics.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { RunLiveness } from '../../../../src/extension/runs/runLiveness';
import { RunStore } from '../../../../src/extension/runs/runStore';
import { forkCliAndSignal, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const EXPERIMENT = tinyExperiment({
  name: 'killed',
  seed: 4,
  source: { dataset: synthetic('source', 320), epochs: 3 },
  evaluation: { bootstrap: { resamples: 0 } },
});

/** The status in the report's subtitle (`run ID · STATUS · started …`). */
function reportedStatus(runDir: string): string {
  const written = runCli(['report', runDir]);
  assert.equal(written.status, 0, written.stderr);
  const markdown = readFileSync(join(runDir, 'report.md'), 'utf8');
  const subtitle = /^run [^·\n]+ · ([^·\n]+?) ·/m.exec(markdown);
  assert.ok(subtitle?.[1], markdown.slice(0, 400));
  return subtitle[1];
}

/** The status the extension's views show, for a window that did not start the run. */
async function extensionStatus(runDir: string): Promise<string> {
  const store = new RunStore({ log: () => undefined });
  const liveness = new RunLiveness({ store, isOwn: () => false, intervalMs: 60_000 });
  try {
    store.ensure(runDir);
    await store.refresh(runDir);
    await liveness.checkAll();
    return liveness.displayState(store.get(runDir) ?? assert.fail(runDir)).status;
  } finally {
    liveness.dispose();
    store.dispose();
  }
}

/** A batch of source epoch 2: the checkpoint of epoch 1 is on disk. */
const inSourceEpoch2 = (event: TrainerEvent) =>
  event.type === 'batch-ended' && event.phase === 'source' && event.epoch === 2;

/** The first batch a resumed trainer trains. */
function firstBatchAfterResume(): (event: TrainerEvent) => boolean {
  let resumed = false;
  return (event) => {
    if (event.type === 'run-resumed') resumed = true;
    return resumed && event.type === 'batch-ended';
  };
}

describe('the status of a killed run, as every reader reads it', () => {
  it('SIGKILL reads interrupted at once; so does a resume killed again; and resume continues it', async () => {
    const folder = temporaryFolder('status-killed');
    const file = writeExperiment(folder, 'killed', EXPERIMENT);
    const runDir = join(folder, 'runs', 'killed', 'sigkill');
    const killed = await forkCliAndSignal(['run', file, '--run-id', 'sigkill', '--quiet'], inSourceEpoch2, 'SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(reportedStatus(runDir), 'interrupted', 'the report after SIGKILL');
    assert.equal(await extensionStatus(runDir), 'interrupted', 'the extension after SIGKILL, without waiting');

    const killedAgain = await forkCliAndSignal(['resume', runDir, '--quiet'], firstBatchAfterResume(), 'SIGKILL');
    assert.equal(killedAgain.signal, 'SIGKILL', killedAgain.stderr);
    assert.equal(reportedStatus(runDir), 'interrupted', 'the report after a resume killed again');
    assert.equal(await extensionStatus(runDir), 'interrupted');

    const resumed = runCli(['resume', runDir, '--quiet']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(reportedStatus(runDir), 'completed');
    assert.equal(await extensionStatus(runDir), 'completed');
  });

  it('a stopped run resumed and then killed reads interrupted, not the stopped of its metrics.json', async () => {
    const folder = temporaryFolder('status-stopped');
    const file = writeExperiment(folder, 'killed', EXPERIMENT);
    const runDir = join(folder, 'runs', 'killed', 'stopped');
    const stopped = await forkCliAndSignal(['run', file, '--run-id', 'stopped', '--quiet'], inSourceEpoch2, 'SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(reportedStatus(runDir), 'stopped');
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as { status: string };
    assert.equal(metrics.status, 'stopped');

    const killed = await forkCliAndSignal(['resume', runDir, '--quiet'], firstBatchAfterResume(), 'SIGKILL');
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.equal(reportedStatus(runDir), 'interrupted', 'the events say a resume ran after the stop, and died');
    assert.equal(await extensionStatus(runDir), 'interrupted');
    const runEnds = readEvents(runDir).filter((event) => event.type === 'run-ended');
    assert.deepEqual(
      runEnds.map((event) => event.type === 'run-ended' && event.status),
      ['stopped'],
      'readers decide interrupted; nothing was written for them',
    );
  });
});
