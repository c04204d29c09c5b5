// A repeated experiment (`seeds: [1, 2, 3]`): the whole pipeline once per seed, each in a normal
// run directory (so the extension lists, opens and compares them like any run), then the mean ±
// sd across seeds in `<runs>/<name>/<group>.seeds.json` and on the terminal. The group is the
// first run's id; each run's metrics.json names its group, seeds and index.
import { join } from 'node:path';
import type { Experiment } from '../../shared/experiment/schema';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { RUN_FILES } from '../../shared/run/runFiles';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { SEED_SUMMARY_SUFFIX } from '../../shared/run/seedSummary';
import type { BackendName } from '../../shared/run/events';
import { summarizeSeeds } from '../evaluation/summarizeSeeds';
import type { SeedRunOutcome } from '../evaluation/summarizeSeeds';
import { runExperiment } from '../pipeline/runExperiment';
import { createRunDirectory } from '../run/runDirectory';
import type { StopSignal } from '../training/stopSignal';
import { runFailedLine } from './failureLines';
import { runEventStream } from './runEvents';
import { lockRefused, withRunLock } from './runLocking';
import type { ProgressMode } from './runEvents';
import { formatComparison, formatSeedSummary } from './summaryTable';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface SeedRunsRequest {
  experiment: Experiment;
  seeds: number[];
  experimentFile: string;
  runsDir: string;
  /** --run-id: the first seed's run id (the extension follows that one); later seeds get timestamps. */
  runId: string | null;
  backend: { name: BackendName; notes: string[] };
  progress: ProgressMode;
  stop: StopSignal;
}

interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Exit code: 0 when every seed completed (or the user stopped), 3 when one failed. */
export async function runSeeds(request: SeedRunsRequest, output: Output): Promise<number> {
  const { experiment, seeds } = request;
  const outcomes: SeedRunOutcome[] = [];
  const runDirs: string[] = [];
  let group: string | null = null;
  for (const [index, seed] of seeds.entries()) {
    if (request.stop.requested) break;
    let run: { runId: string; runDir: string };
    try {
      run = createRunDirectory(request.runsDir, experiment.name, index === 0 ? request.runId : null);
    } catch (error) {
      output.err(`medtransfer: cannot create the run directory: ${errorMessage(error)}`);
      return EXIT.failed;
    }
    const seedGroup = { group: (group ??= run.runId), seeds, index };
    runDirs.push(run.runDir);
    output.err(`medtransfer: seed ${seed} (${index + 1} of ${seeds.length}) → ${run.runDir}`);
    let failed = false;
    const exit = await withRunLock(
      run.runDir,
      'run',
      (why) => lockRefused(run.runDir, why, output),
      async () => {
        const events = runEventStream(run.runDir, request.progress, (line) => output.err(line), index === 0);
        // Each seed's run is a plain run of that seed: its experiment.json has `seed`, not `seeds`.
        const seeded: Experiment = { ...experiment, seed, seeds: undefined };
        const result = await runExperiment({
          experiment: seeded,
          experimentFile: request.experimentFile,
          ...run,
          backend: request.backend.name,
          backendNotes: request.backend.notes,
          events,
          stop: request.stop,
          seedGroup,
        });
        events.close();
        outcomes.push({ seed, runId: run.runId, status: result.status, evaluations: result.evaluations });
        output.out(
          `\nSeed ${seed} (${index + 1} of ${seeds.length})\n` +
            `${formatComparison(result.evaluations, experiment.evaluation.split, result.comparison)}\n` +
            `Run folder: ${run.runDir}`,
        );
        if (result.status === 'failed')
          output.err(`${runFailedLine(result, join(run.runDir, RUN_FILES.log))}; the remaining seeds are not run`);
        failed = result.status === 'failed';
        return EXIT.ok;
      },
    );
    if (exit !== EXIT.ok) return exit;
    if (failed) break;
  }
  if (group === null) return EXIT.ok;
  const summary = summarizeSeeds(experiment.name, group, experiment.evaluation.split, outcomes);
  const summaryFile = join(request.runsDir, experiment.name, `${group}${SEED_SUMMARY_SUFFIX}`);
  writeFileAtomically(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  output.out(`\n${formatSeedSummary(summary)}\n\nRun folders: ${runDirs.join(', ')}\nSeed summary: ${summaryFile}`);
  return outcomes.some((outcome) => outcome.status === 'failed') ? EXIT.failed : EXIT.ok;
}
