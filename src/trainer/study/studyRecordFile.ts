// study.json on disk: made from the loaded study (carrying over what an earlier attempt recorded,
// for --resume), refreshed from the run folders, and rewritten atomically with a fresh analysis.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { STUDY_FILES } from '../../shared/host/studyFolder';
import { analyzeStudy } from '../../shared/study/analysis/analyzeStudy';
import type { StudyRunResult } from '../../shared/study/analysis/analyzeStudy';
import { parseStudyRecord, STUDY_RECORD_FORMAT } from '../../shared/study/studyRecord';
import type { StudyRecord, StudyRunRecord } from '../../shared/study/studyRecord';
import type { StudyAnalysis } from '../../shared/study/studyAnalysis';
import type { LoadedStudy } from './loadStudyFile';
import { readRunFolderOutcome } from './runFolderOutcome';
import type { RunFolderOutcome } from './runFolderOutcome';

export type PreviousRecord =
  { kind: 'none' } | { kind: 'found'; record: StudyRecord } | { kind: 'unreadable'; reason: string };

export function readPreviousRecord(studyDir: string): PreviousRecord {
  const path = join(studyDir, STUDY_FILES.record);
  if (!existsSync(path)) return { kind: 'none' };
  const parsed = parseStudyRecord(readFileSync(path, 'utf8'));
  return parsed.ok ? { kind: 'found', record: parsed.record } : { kind: 'unreadable', reason: parsed.reason };
}

/** The study's record, a run per point × seed; a run an earlier record had (same values, seed) keeps its folder. */
export function newStudyRecord(
  loaded: LoadedStudy,
  runsDir: string,
  previous: StudyRecord | null,
  now = new Date(),
): StudyRecord {
  const previousRun = (values: object, seed: number): StudyRunRecord | undefined => {
    const point = previous?.points.find((candidate) => JSON.stringify(candidate.values) === JSON.stringify(values));
    return point === undefined ? undefined : previous?.runs.find((run) => run.point === point.id && run.seed === seed);
  };
  const runs = loaded.points.flatMap((point) =>
    loaded.seeds.map((seed): StudyRunRecord => {
      const before = previousRun(point.values, seed);
      const run: StudyRunRecord = {
        point: point.id,
        seed,
        runId: before?.runId ?? null,
        runDir: before?.runDir ?? null,
        status: 'pending',
        errorKind: null,
        error: null,
        seconds: null,
      };
      return run.runDir === null || !existsSync(run.runDir) ? { ...run, runId: null, runDir: null } : refreshRun(run);
    }),
  );
  const { study } = loaded;
  return {
    format: STUDY_RECORD_FORMAT,
    name: study.name,
    description: study.description ?? null,
    studyFile: loaded.file,
    experimentFile: loaded.experimentFile,
    experimentName: loaded.experimentName,
    runsDir,
    varied: Object.keys(study.vary),
    seeds: loaded.seeds,
    goal: study.goal ?? null,
    points: loaded.points,
    runs,
    status: 'running',
    pid: process.pid,
    startedAt: previous?.startedAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
    analysis: null,
  };
}

/** A run's record as its folder says it ended. */
export function refreshRun(run: StudyRunRecord, outcome: RunFolderOutcome | null = null): StudyRunRecord {
  if (run.runDir === null) return run;
  const seen = outcome ?? readRunFolderOutcome(run.runDir);
  switch (seen.status) {
    case 'completed':
    case 'failed':
    case 'stopped':
      return { ...run, status: seen.status, errorKind: seen.errorKind, error: seen.error, seconds: seen.seconds };
    case 'interrupted':
      return {
        ...run,
        status: 'stopped',
        errorKind: 'interrupted',
        error: 'its trainer ended before the run did (killed, or the machine went down)',
        seconds: null,
      };
    case 'running':
      return { ...run, status: 'running', errorKind: null, error: null, seconds: null };
    case 'not-started':
      return { ...run, status: 'pending', errorKind: null, error: null, seconds: null };
  }
}

/** Writes study.json with the analysis of the runs that have completed so far. */
export function saveStudyRecord(studyDir: string, record: StudyRecord): StudyRecord {
  const saved: StudyRecord = { ...record, analysis: analyzeRecord(record), updatedAt: new Date().toISOString() };
  writeFileAtomically(join(studyDir, STUDY_FILES.record), `${JSON.stringify(saved, null, 2)}\n`);
  return saved;
}

/** The analysis of the record's completed runs, read from their folders. */
export function analyzeRecord(record: StudyRecord): StudyAnalysis {
  const results: StudyRunResult[] = record.runs.flatMap((run) => {
    if (run.runDir === null || run.status !== 'completed') return [];
    const outcome = readRunFolderOutcome(run.runDir);
    return [{ point: run.point, seed: run.seed, labelsPerClass: outcome.labelsPerClass, metrics: outcome.metrics }];
  });
  return analyzeStudy(
    { points: record.points, seeds: record.seeds, varied: record.varied, goal: record.goal },
    results,
  );
}
