// `medtransfer study FILE [--runs-dir DIR] [--max-parallel N] [--resume]`: runs every point × seed
// of a study file (runStudy.ts) and prints its table, curves and crossover.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { acquireRunLock, describeLockHolder } from '../../shared/host/runLock';
import { defaultStudyRunsDir, studyFolder } from '../../shared/host/studyFolder';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { counted } from '../../shared/text/plural';
import { loadStudyFile } from '../study/loadStudyFile';
import { runStudy } from '../study/runStudy';
import { newStudyRecord, readPreviousRecord } from '../study/studyRecordFile';
import { formatStudySummary } from '../study/studySummary';
import type { Output } from './commands';
import type { ProgressMode } from './runEvents';
import { withStopRequests } from './stopRequests';

export interface StudyOptions {
  file: string;
  runsDir: string | undefined;
  maxParallel: string | undefined;
  resume: boolean;
  backend: string | undefined;
  backendPaths: readonly string[];
  progress: ProgressMode;
}

export async function studyCommand(options: StudyOptions, output: Output): Promise<number> {
  const maxParallel = options.maxParallel === undefined ? 1 : Number(options.maxParallel);
  if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 64) {
    output.err(`medtransfer: --max-parallel takes a whole number from 1 to 64, not \`${options.maxParallel}\``);
    return EXIT.usage;
  }
  const loadedFile = loadStudyFile(options.file);
  if (!loadedFile.ok) {
    loadedFile.errors.forEach((line) => output.err(line));
    return EXIT.invalid;
  }
  const { loaded } = loadedFile;
  const runsDir = resolve(options.runsDir ?? defaultStudyRunsDir(loaded.file));
  const studyDir = studyFolder(runsDir, loaded.study.name);
  const previous = readPreviousRecord(studyDir);
  if (previous.kind === 'found' && !options.resume) {
    output.err(
      `medtransfer: ${studyDir} already holds this study's runs: ` +
        'continue it with --resume, or move that folder away to start again',
    );
    return EXIT.usage;
  }
  if (previous.kind === 'unreadable') {
    output.err(`medtransfer: cannot resume: ${studyDir}/study.json is unreadable (${previous.reason})`);
    return EXIT.failed;
  }
  if (options.resume && previous.kind === 'none')
    output.err(`medtransfer: nothing to resume in ${studyDir}: starting the study`);

  const lock = acquireRunLock(studyDirCreated(studyDir), 'run');
  if (lock.kind === 'held') {
    output.err(`medtransfer: cannot run the study: ${describeLockHolder(lock)}`);
    return EXIT.usage;
  }
  try {
    const record = newStudyRecord(loaded, runsDir, previous.kind === 'found' ? previous.record : null);
    const runs = record.runs.length;
    output.err(
      `medtransfer: study ${loaded.study.name}: ${counted(loaded.points.length, 'point')} × ` +
        `${counted(loaded.seeds.length, 'seed')} = ` +
        `${runs} runs, ${maxParallel} at a time`,
    );
    const final = await withStopRequests((stop) =>
      runStudy({
        loaded,
        record,
        studyDir,
        runsDir,
        maxParallel,
        cli: process.argv[1] ?? '',
        backend: options.backend,
        backendPaths: options.backendPaths,
        progress: options.progress,
        stop,
        log: (line) => output.err(line),
      }),
    );
    output.out(`\n${formatStudySummary(final, studyDir)}`);
    return final.status === 'failed' ? EXIT.failed : EXIT.ok;
  } finally {
    lock.lock.release();
  }
}

function studyDirCreated(studyDir: string): string {
  mkdirSync(studyDir, { recursive: true });
  return studyDir;
}
