// The CLI's commands. Each returns its exit code; nothing here calls process.exit.
import { dirname, join, resolve } from 'node:path';
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import type { BackendChoice } from '../../shared/experiment/schema';
import { backendSearchPathsHere } from '../backend/searchPaths';
import { selectBackend } from '../backend/selectBackend';
import { loadExperimentFile } from '../experiment/loadExperimentFile';
import { STUDY_FILE_PATTERN } from '../../shared/study/studySchema';
import { loadStudyFile } from '../study/loadStudyFile';
import { runExperiment } from '../pipeline/runExperiment';
import { newRunDirectory } from './newRunDirectory';
import { RUN_FILES } from '../../shared/run/runFiles';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { notStartedFailure, runFailedLine } from './failureLines';
import { lockRefused, withRunLock } from './runLocking';
import { withStopRequests } from './stopRequests';
import { runEventStream } from './runEvents';
import { runSeeds } from './seedRuns';
import { formatComparison } from './summaryTable';
import { studyRunOf } from './studyRunOption';
import type { StudyRunOptions } from './studyRunOption';

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

export function validateCommand(files: string[], output: Output): number {
  let exit: number = EXIT.ok;
  for (const file of files) {
    const loaded = STUDY_FILE_PATTERN.test(file) ? loadStudyFile(file) : loadExperimentFile(file);
    if (loaded.ok) {
      output.out(`${file}: ok`);
    } else {
      loaded.errors.forEach((line) => output.err(line));
      exit = EXIT.invalid;
    }
  }
  return exit;
}

export interface RunOptions {
  file: string;
  runsDir: string | undefined;
  backend: string | undefined;
  /** --backend-path folders, searched for optional backends before the defaults (backend/searchPaths.ts). */
  backendPaths?: readonly string[];
  runId: string | undefined;
  progress: 'bar' | 'lines' | 'quiet';
  /** `--study FILE --point P --seed S`: this run is one run of a study, and FILE must be its base experiment. */
  studyRun?: StudyRunOptions;
}

export async function runCommand(options: RunOptions, output: Output): Promise<number> {
  const loadedFile = loadExperimentFile(options.file);
  if (!loadedFile.ok) {
    loadedFile.errors.forEach((line) => output.err(line));
    return EXIT.invalid;
  }
  const runsDir = resolve(options.runsDir ?? join(dirname(loadedFile.file), 'runs'));
  const studyRun = options.studyRun ? studyRunOf(options.studyRun, loadedFile.file, runsDir) : null;
  if (studyRun !== null && !studyRun.ok) {
    studyRun.errors.forEach((line) => output.err(line));
    return studyRun.exit;
  }
  const loaded = studyRun === null ? loadedFile : { ...loadedFile, experiment: studyRun.experiment };
  const { experiment } = loaded;
  const choice = options.backend ?? experiment.backend;
  if (!isBackendChoice(choice)) {
    output.err(`medtransfer: unknown backend \`${choice}\`; expected one of: ${BACKEND_CHOICES.join(', ')}`);
    return EXIT.usage;
  }
  let backend: Awaited<ReturnType<typeof selectBackend>>;
  try {
    const searchPaths = backendSearchPathsHere(options.backendPaths ?? [], loaded.file);
    backend = await selectBackend(choice, { log: (line) => output.err(line), searchPaths });
  } catch (error) {
    const failure = notStartedFailure(error);
    output.err(failure.line);
    return failure.exit;
  }

  return withStopRequests(async (stop) => {
    if (experiment.seeds && studyRun === null) {
      return await runSeeds(
        {
          experiment,
          seeds: experiment.seeds,
          experimentFile: loaded.file,
          runsDir,
          runId: options.runId ?? null,
          backend,
          progress: options.progress,
          stop,
        },
        output,
      );
    }
    const run = newRunDirectory(runsDir, experiment.name, options.runId ?? null, output);
    if (run === null) return EXIT.failed;
    const runDir = run.runDir;
    return withRunLock(
      runDir,
      'run',
      (why) => lockRefused(runDir, why, output),
      async () => {
        const events = runEventStream(runDir, options.progress, (line) => output.err(line));
        const result = await runExperiment({
          experiment,
          experimentFile: loaded.file,
          ...run,
          backend: backend.name,
          backendNotes: backend.notes,
          events,
          stop,
          ...(studyRun === null ? {} : { study: studyRun.ref }),
        });
        events.close();
        output.out(
          `\n${formatComparison(result.evaluations, experiment.evaluation.split, result.comparison)}\n\n` +
            `Run folder: ${runDir}`,
        );
        if (result.status === 'failed') output.err(runFailedLine(result, join(runDir, RUN_FILES.log)));
        return result.status === 'failed' ? EXIT.failed : EXIT.ok;
      },
    );
  }).finally(() => backend.release());
}

export function isBackendChoice(value: string): value is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(value);
}
