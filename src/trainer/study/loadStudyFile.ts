// Reads a study file and its base experiment from disk and checks both (parseStudy,
// checkStudyPoints). Problems come back as `file:line:col: message` lines, never as exceptions.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { experimentSchema } from '../../shared/experiment/schema';
import type { Experiment } from '../../shared/experiment/schema';
import { errorMessage } from '../../shared/errors/errorMessage';
import { checkStudyPoints } from '../../shared/study/checkStudyPoints';
import type { BaseExperimentText } from '../../shared/study/checkStudyPoints';
import { parseStudy } from '../../shared/study/parseStudy';
import { pointExperimentInput } from '../../shared/study/studyPoints';
import type { StudyPoint } from '../../shared/study/studyPoints';
import type { Study } from '../../shared/study/studySchema';
import { resolveExperimentPaths } from '../experiment/loadExperimentFile';

export interface LoadedStudy {
  /** The study file, absolute. */
  file: string;
  study: Study;
  /** The base experiment file, absolute. */
  experimentFile: string;
  experimentName: string;
  points: StudyPoint[];
  seeds: number[];
  /** The base experiment as written. */
  baseRaw: unknown;
}

export type LoadedStudyFile = { ok: true; loaded: LoadedStudy } | { ok: false; file: string; errors: string[] };

export function loadStudyFile(path: string): LoadedStudyFile {
  const file = resolve(path);
  const text = readText(file);
  if (!text.ok) return { ok: false, file, errors: [`${path}: cannot read the study file: ${text.reason}`] };
  const lines = (diagnostics: { start: { line: number; column: number }; message: string }[]) =>
    diagnostics.map(
      (diagnostic) => `${path}:${diagnostic.start.line}:${diagnostic.start.column}: ${diagnostic.message}`,
    );
  const parsed = parseStudy(text.text);
  if (!parsed.ok) return { ok: false, file, errors: lines(parsed.diagnostics) };
  const experimentFile = isAbsolute(parsed.study.experiment)
    ? parsed.study.experiment
    : resolve(dirname(file), parsed.study.experiment);
  const checked = checkStudyPoints(parsed.located, readText(experimentFile));
  if (!checked.ok) return { ok: false, file, errors: lines(checked.diagnostics) };
  const { points, seeds, baseRaw } = checked;
  const name = (baseRaw as { name?: unknown }).name;
  return {
    ok: true,
    loaded: {
      file,
      study: parsed.study,
      experimentFile,
      experimentName: typeof name === 'string' ? name : parsed.study.name,
      points,
      seeds,
      baseRaw,
    },
  };
}

/** The point's experiment for one seed, defaults applied and paths resolved against the base's folder. */
export function pointExperiment(loaded: LoadedStudy, point: StudyPoint, seed: number): Experiment {
  // checkStudyPoints validated every point with the first seed; a seed cannot make it invalid.
  const experiment = experimentSchema.parse(pointExperimentInput(loaded.baseRaw, point, seed));
  return resolveExperimentPaths(experiment, dirname(loaded.experimentFile));
}

function readText(file: string): BaseExperimentText {
  try {
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(error);
    return { ok: false, reason };
  }
}
