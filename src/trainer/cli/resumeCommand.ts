// `medtransfer resume RUN_DIR`: continues a stopped, failed or interrupted run from its last
// checkpoint, in the same run folder, appending to its events.jsonl and log.txt. It holds the
// run folder's lock while it does (another trainer of the run is refused), and refuses a
// completed run, a run whose trainer is still alive, and a run with no checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseExperiment } from '../../shared/experiment/parseExperiment';
import { runOnHost } from '../../shared/host/runOnHost';
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import { RUN_FILES } from '../../shared/run/runFiles';
import { backendSearchPathsHere } from '../backend/searchPaths';
import { selectBackend } from '../backend/selectBackend';
import type { SelectedBackend } from '../backend/selectBackend';
import { hasCheckpointFolder, readCheckpoint } from '../checkpoint/checkpointFiles';
import { runExperiment } from '../pipeline/runExperiment';
import { dropTornLastLine, readEventsFile } from '../run/eventsFile';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { isBackendChoice } from './commands';
import type { Output } from './commands';
import type { ProgressMode } from './runEvents';
import { runEventStream } from './runEvents';
import { notStartedFailure, runFailedLine } from './failureLines';
import { noCheckpointMessage, stillRunning } from './resumeRefusals';
import { withRunLock } from './runLocking';
import { withStopRequests } from './stopRequests';
import { formatComparison } from './summaryTable';

export interface ResumeOptions {
  runDir: string;
  backend: string | undefined;
  backendPaths?: readonly string[];
  progress: ProgressMode;
}

export async function resumeCommand(options: ResumeOptions, output: Output): Promise<number> {
  const runDir = resolve(options.runDir);
  const eventsPath = join(runDir, RUN_FILES.events);
  const refuse = (message: string, code: number = EXIT.usage) => {
    output.err(`medtransfer: cannot resume ${runDir}: ${message}`);
    return code;
  };
  if (!existsSync(eventsPath))
    return refuse(
      `it is not a run folder (no ${RUN_FILES.events}); give the folder a \`run\` printed ("Run folder: …")`,
    );
  // Taken before the events are read: what they say cannot change under us afterwards.
  return withRunLock(runDir, 'resume', refuse, () => resumeLocked(options, runDir, refuse, output));
}

async function resumeLocked(
  options: ResumeOptions,
  runDir: string,
  refuse: (message: string, code?: number) => number,
  output: Output,
): Promise<number> {
  const eventsPath = join(runDir, RUN_FILES.events);
  const onDisk = readEventsFile(eventsPath);
  const { state, recorded, trainer } = runOnHost(onDisk.events, runDir);
  if (state.runId === null)
    return refuse(`${RUN_FILES.events} has no run-started event: the run never started; run the experiment again`);
  if (state.status === 'completed') return refuse('the run already completed: nothing to resume');
  // Read as every reader reads it: running while its trainer is there, or may be (another machine).
  if (state.status === 'running') return refuse(stillRunning(recorded, trainer));
  if (!hasCheckpointFolder(runDir)) return refuse(noCheckpointMessage(runDir, state));

  const experimentPath = join(runDir, RUN_FILES.experiment);
  let text: string;
  try {
    text = readFileSync(experimentPath, 'utf8');
  } catch {
    return refuse(`${RUN_FILES.experiment} is missing; run the experiment again`, EXIT.invalid);
  }
  const parsed = parseExperiment(text);
  if (!parsed.ok) {
    parsed.diagnostics.forEach((diagnostic) =>
      output.err(`${experimentPath}:${diagnostic.start.line}:${diagnostic.start.column}: ${diagnostic.message}`),
    );
    return EXIT.invalid;
  }
  const experiment = parsed.experiment;
  const choice = options.backend ?? experiment.backend;
  if (!isBackendChoice(choice)) {
    output.err(`medtransfer: unknown backend \`${choice}\`; expected one of: ${BACKEND_CHOICES.join(', ')}`);
    return EXIT.usage;
  }
  // A checkpoint says nothing until its tensors exist, and they need the backend.
  const experimentFile = state.experimentFile ?? experimentPath;
  let backend: SelectedBackend;
  try {
    backend = await selectBackend(choice, {
      log: (line) => output.err(line),
      searchPaths: backendSearchPathsHere(options.backendPaths ?? [], experimentFile),
    });
  } catch (error) {
    const failure = notStartedFailure(error);
    output.err(failure.line);
    return failure.exit;
  }
  const loaded = readCheckpoint(runDir);
  if (loaded.kind !== 'loaded') {
    backend.release();
    if (loaded.kind === 'none') return refuse(noCheckpointMessage(runDir, state));
    return refuse(`no checkpoint loads (${loaded.reasons.join('; ')}); run the experiment again`, EXIT.failed);
  }
  if (loaded.checkpoint.runId !== state.runId) {
    backend.release();
    return refuse(`the checkpoint belongs to run ${loaded.checkpoint.runId}, not ${state.runId}`, EXIT.failed);
  }
  if (onDisk.tornLastLine) dropTornLastLine(eventsPath);
  const notes = loaded.skipped.map(
    (reason) => `the newest checkpoint did not load (${reason}): resuming from the one before it`,
  );
  if (onDisk.invalidLines.length > 0)
    notes.push(
      `${RUN_FILES.events} has lines that are not valid events (${onDisk.invalidLines.join(', ')}): they were ignored`,
    );
  const runId = state.runId;
  const resume = { checkpoint: loaded.checkpoint, tornLineDropped: onDisk.tornLastLine, notes };
  return withStopRequests(async (stop) => {
    const events = runEventStream(runDir, options.progress, (line) => output.err(line), true, onDisk.lastSeq + 1);
    const result = await runExperiment({
      experiment,
      experimentFile,
      runId,
      runDir,
      backend: backend.name,
      backendNotes: backend.notes,
      events,
      stop,
      resume,
      // metrics.json, written at the end, says what run-started said: a seed of a group, a run of a study.
      ...(state.seedGroup ? { seedGroup: state.seedGroup } : {}),
      ...(state.study ? { study: state.study } : {}),
    });
    events.close();
    output.out(
      `\n${formatComparison(result.evaluations, experiment.evaluation.split, result.comparison)}\n\n` +
        `Run folder: ${runDir}`,
    );
    if (result.status === 'failed') output.err(runFailedLine(result, join(runDir, RUN_FILES.log)));
    return result.status === 'failed' ? EXIT.failed : EXIT.ok;
  }).finally(() => backend.release());
}
