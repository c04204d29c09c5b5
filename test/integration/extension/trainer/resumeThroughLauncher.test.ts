// SIGKILL then Resume with the real trainer (dist/cli.js), through the host's launcher, process
// wrapper and run-end record, as the extension does it: the killed child reads `interrupted`,
// the host records that in events.jsonl, Resume (`resume RUN_DIR` in the same folder, through
// the same launcher) completes the run, and every reader replays one consistent history.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEventLines } from '../../../../src/shared/run/eventLines';
import { RUN_FILES } from '../../../../src/shared/run/runFiles';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { appendEventToRun, hostRunEndedEvent } from '../../../../src/shared/host/recordRunEnd';
import { resumability } from '../../../../src/extension/runs/resumable';
import { hasCheckpoint } from '../../../../src/extension/runs/runFolder';
import { RunLauncher } from '../../../../src/extension/trainer/runLauncher';
import type { ActiveRun, LaunchPlan } from '../../../../src/extension/trainer/runLauncher';
import type { RunOutcome } from '../../../../src/extension/trainer/runOutcome';
import { trainerCommandLine } from '../../../../src/shared/host/trainerCommandLine';
import { trainerResumeRequest, trainerRunRequest } from '../../../../src/extension/trainer/trainerRequests';
import { TrainerProcess } from '../../../../src/extension/trainer/trainerProcess';
import { skipIfMissing } from '../../../support/prerequisites';
import { waitUntil } from '../../../support/polling';
import { cliPath } from '../../../support/paths';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const RUN_ID = '20261124-101500';

function readEvents(runDir: string) {
  const parsed = parseEventLines(readFileSync(join(runDir, RUN_FILES.events), 'utf8'));
  return parsed.events;
}

describe(
  'SIGKILL, then Resume',
  { skip: skipIfMissing(!existsSync(cliPath) && 'dist/cli.js is not built (npm run build)') },
  () => {
    it('records the killed run as interrupted and completes it from its checkpoint in the same folder', async () => {
      const workspace = mkdtempSync(join(tmpdir(), 'medtransfer-resume-'));
      const file = join(workspace, 'killed.experiment.yaml');
      writeFileSync(
        file,
        tinyExperiment({
          name: 'killed',
          seed: 5,
          source: { dataset: synthetic('source', 480), epochs: 6 },
          target: { dataset: synthetic('target', 100) },
        }),
      );
      const runsRoot = join(workspace, 'runs');
      const runDir = join(runsRoot, 'killed', RUN_ID);
      const ends: { run: ActiveRun; outcome: RunOutcome }[] = [];
      const launcher = new RunLauncher({
        maxConcurrent: () => 1,
        prepare: async (experimentFile, resumeRunDir) => {
          const args = trainerCommandLine(
            resumeRunDir === null
              ? trainerRunRequest({ experimentFile, runsRoot, runId: RUN_ID, backend: 'wasm' })
              : trainerResumeRequest({ runDir: resumeRunDir, backend: 'wasm' }),
          );
          const plan: LaunchPlan = {
            experimentFile,
            experimentName: 'killed',
            runId: RUN_ID,
            runDir,
            args,
            cwd: workspace,
          };
          return plan;
        },
        createProcess: (plan) =>
          new TrainerProcess({ modulePath: cliPath, args: plan.args, execPath: process.execPath, cwd: plan.cwd }),
      });
      launcher.onDidEndRun((ended) => ends.push(ended));

      assert.equal((await launcher.request(file)).kind, 'start');
      await waitUntil(
        'a checkpoint and a batch of the next epoch',
        () =>
          hasCheckpoint(runDir) && readEvents(runDir).some((event) => event.type === 'batch-ended' && event.epoch >= 2),
        { timeoutMs: 180_000 },
      );
      const pid = replayRunEvents(readEvents(runDir)).pid;
      assert.ok(pid !== null);
      process.kill(pid, 'SIGKILL');
      await waitUntil('the killed trainer to end', () => ends.length === 1, { timeoutMs: 30_000 });
      const killed = ends[0]?.outcome;
      assert.equal(killed?.status, 'interrupted');
      assert.equal(killed.reportedByTrainer, false);

      // What TrainerService does when its child died without run-ended.
      const before = replayRunEvents(readEvents(runDir));
      assert.equal(before.status, 'running');
      assert.equal(killed.errorKind, 'interrupted');
      await appendEventToRun(runDir, hostRunEndedEvent(before, killed, new Date()));
      const interrupted = replayRunEvents(readEvents(runDir));
      assert.equal(interrupted.status, 'interrupted');
      assert.equal(interrupted.errorKind, 'interrupted', 'the appended run-ended says why');
      assert.deepEqual(
        resumability({ status: interrupted.status, hasCheckpoint: hasCheckpoint(runDir), liveness: 'dead' }),
        { resumable: true },
      );

      assert.equal((await launcher.request(file, runDir)).kind, 'start');
      assert.deepEqual(await launcher.request(file, runDir), { kind: 'refused', error: 'the run is already running' });
      await waitUntil('the resumed run to end', () => ends.length === 2, { timeoutMs: 180_000 });
      assert.equal(ends[1]?.outcome.status, 'completed', ends[1]?.outcome.error ?? '');
      assert.equal(ends[1]?.run.plan.args[0], 'resume');

      const events = readEvents(runDir);
      assert.ok(
        events.every((event, index) => index === 0 || event.seq > (events[index - 1]?.seq ?? -1)),
        'one history, seq increasing',
      );
      assert.equal(events.filter((event) => event.type === 'run-started').length, 1);
      assert.equal(events.filter((event) => event.type === 'run-resumed').length, 1);
      assert.deepEqual(
        events.flatMap((event) => (event.type === 'run-ended' ? [[event.status, event.errorKind]] : [])),
        [
          ['interrupted', 'interrupted'],
          ['completed', null],
        ],
        'the resumed run completes with no error kind',
      );
      const state = replayRunEvents(events);
      assert.equal(state.status, 'completed');
      assert.ok(state.evaluations['fine-tuned'] && state.evaluations.scratch, 'both models evaluated after the resume');
      assert.equal(
        state.epochs.filter((epoch) => epoch.phase === 'source').length,
        6,
        'each source epoch once in the curves, none doubled or lost',
      );
      assert.deepEqual(
        resumability({ status: state.status, hasCheckpoint: hasCheckpoint(runDir), liveness: 'dead' }).resumable,
        false,
      );
      launcher.dispose();
    });
  },
);
