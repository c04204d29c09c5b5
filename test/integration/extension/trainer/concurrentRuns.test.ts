// Two runs at once and a third queued, with the real trainer (dist/cli.js) through the host's
// launcher and process wrapper, as the extension starts them: separate processes, run folders,
// events and logs that do not mix, and the queued run starts when a slot frees.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEventLines } from '../../../../src/shared/run/eventLines';
import { RUN_FILES } from '../../../../src/shared/run/runFiles';
import { RunLauncher } from '../../../../src/extension/trainer/runLauncher';
import type { ActiveRun, LaunchPlan } from '../../../../src/extension/trainer/runLauncher';
import type { RunOutcome } from '../../../../src/extension/trainer/runOutcome';
import { trainerCommandLine } from '../../../../src/shared/host/trainerCommandLine';
import { trainerRunRequest } from '../../../../src/extension/trainer/trainerRequests';
import { TrainerProcess } from '../../../../src/extension/trainer/trainerProcess';
import { skipIfMissing } from '../../../support/prerequisites';
import { cliPath } from '../../../support/paths';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const experiment = (name: string, seed: number): string =>
  tinyExperiment({
    name,
    seed,
    source: { dataset: synthetic('source', 160) },
    target: { dataset: synthetic('target', 100) },
  });

describe(
  'runs at once',
  { skip: skipIfMissing(!existsSync(cliPath) && 'dist/cli.js is not built (npm run build)') },
  () => {
    it('runs two trainers side by side and starts the queued third when one ends', async () => {
      const workspace = mkdtempSync(join(tmpdir(), 'medtransfer-concurrent-'));
      const runsRoot = join(workspace, 'runs');
      const files = ['alpha', 'beta', 'gamma'].map((name, index) => {
        const file = join(workspace, `${name}.experiment.yaml`);
        writeFileSync(file, experiment(name, index + 1));
        return file;
      });
      const starts: { file: string; at: number; pid: number | undefined }[] = [];
      const ends: { run: ActiveRun; outcome: RunOutcome; at: number }[] = [];
      const events = new Map<string, string[]>();
      const launcher = new RunLauncher({
        maxConcurrent: () => 2,
        prepare: async (experimentFile) => {
          const name = experimentFile.split('/').pop()?.replace('.experiment.yaml', '') ?? 'x';
          const runId = '20261124-101500';
          const plan: LaunchPlan = {
            experimentFile,
            experimentName: name,
            runId,
            runDir: join(runsRoot, name, runId),
            args: trainerCommandLine(trainerRunRequest({ experimentFile, runsRoot, runId, backend: 'wasm' })),
            cwd: workspace,
          };
          return plan;
        },
        createProcess: (plan) =>
          new TrainerProcess({ modulePath: cliPath, args: plan.args, execPath: process.execPath, cwd: plan.cwd }),
      });
      launcher.onDidStartRun((run) => starts.push({ file: run.plan.experimentFile, at: Date.now(), pid: undefined }));
      launcher.onDidReceiveEvent(({ run, event }) => {
        const list = events.get(run.plan.runDir) ?? [];
        list.push(event.type);
        events.set(run.plan.runDir, list);
        if (event.type === 'run-started') {
          const start = starts.find((entry) => entry.file === run.plan.experimentFile);
          if (start) start.pid = event.pid;
        }
      });
      const allEnded = new Promise<void>((resolve) =>
        launcher.onDidEndRun((ended) => {
          ends.push({ ...ended, at: Date.now() });
          if (ends.length === 3) resolve();
        }),
      );
      assert.equal((await launcher.request(files[0] ?? '')).kind, 'start');
      assert.equal((await launcher.request(files[1] ?? '')).kind, 'start');
      assert.deepEqual(await launcher.request(files[2] ?? ''), { kind: 'queued', position: 1 });
      assert.equal(launcher.activeRuns.length, 2);
      await allEnded;

      assert.deepEqual(
        ends.map(({ outcome }) => outcome.status),
        ['completed', 'completed', 'completed'],
      );
      const [alpha, beta, gamma] = files.map((file) => starts.find((entry) => entry.file === file));
      assert.ok(alpha && beta && gamma);
      assert.equal(new Set([alpha.pid, beta.pid, gamma.pid]).size, 3, 'one process per run');
      const firstEnd = Math.min(...ends.slice(0, 2).map((end) => end.at));
      assert.ok(gamma.at >= firstEnd, 'the queued run started only when a slot was free');
      assert.ok(beta.at < Math.min(...ends.map((end) => end.at)), 'the first two ran at the same time');

      for (const name of ['alpha', 'beta', 'gamma']) {
        const runDir = join(runsRoot, name, '20261124-101500');
        const parsed = parseEventLines(readFileSync(join(runDir, RUN_FILES.events), 'utf8'));
        assert.deepEqual(parsed.invalidLines, []);
        const started = parsed.events.find((event) => event.type === 'run-started');
        assert.ok(started?.type === 'run-started');
        assert.equal(started.experimentName, name, `${name}'s events are its own`);
        assert.equal(started.runDir, runDir);
        assert.equal(parsed.events.at(-1)?.type, 'run-ended');
        assert.ok(
          parsed.events.every((event, index) => event.seq === index),
          `${name}: one writer, seq without gaps`,
        );
        // What came over IPC is what the file holds, event for event.
        assert.deepEqual(
          events.get(runDir),
          parsed.events.map((event) => event.type),
        );
        const log = readFileSync(join(runDir, RUN_FILES.log), 'utf8');
        for (const other of ['alpha', 'beta', 'gamma'].filter((candidate) => candidate !== name))
          assert.ok(!log.includes(join(runsRoot, other)), `${name}'s log mentions no other run`);
      }
      launcher.dispose();
    });
  },
);
