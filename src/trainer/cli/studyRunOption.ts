// `medtransfer run BASE --study FILE --point P --seed S`: how `medtransfer study` starts each of
// its runs. The run is a normal run of the base experiment with the point's values and the seed,
// and its run-started and metrics.json name the study, the point and the seed.
import { resolve } from 'node:path';
import type { Experiment } from '../../shared/experiment/schema';
import { studyFolder } from '../../shared/host/studyFolder';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { StudyRunRef } from '../../shared/study/studyRun';
import { loadStudyFile, pointExperiment } from '../study/loadStudyFile';

export interface StudyRunOptions {
  file: string;
  point: string;
  seed: string;
}

export type StudyRun =
  { ok: true; experiment: Experiment; ref: StudyRunRef } | { ok: false; errors: string[]; exit: number };

export function studyRunOf(options: StudyRunOptions, experimentFile: string, runsDir: string): StudyRun {
  const loadedFile = loadStudyFile(options.file);
  if (!loadedFile.ok) return { ok: false, errors: loadedFile.errors, exit: EXIT.invalid };
  const { loaded } = loadedFile;
  const usage = (message: string): StudyRun => ({ ok: false, errors: [`medtransfer: ${message}`], exit: EXIT.usage });
  if (resolve(experimentFile) !== loaded.experimentFile)
    return usage(`--study: ${options.file} varies ${loaded.experimentFile}, not ${experimentFile}`);
  const point = loaded.points.find((candidate) => candidate.id === options.point);
  if (point === undefined)
    return usage(`--point: the study has no point \`${options.point}\` (it has p1 to p${loaded.points.length})`);
  const seed = Number(options.seed);
  if (!loaded.seeds.includes(seed))
    return usage(`--seed: the study's seeds are ${loaded.seeds.join(', ')}, not ${options.seed}`);
  return {
    ok: true,
    experiment: pointExperiment(loaded, point, seed),
    ref: {
      name: loaded.study.name,
      studyFile: loaded.file,
      studyDir: studyFolder(runsDir, loaded.study.name),
      point: point.id,
      values: point.values,
      seed,
    },
  };
}
