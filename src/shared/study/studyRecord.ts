// study.json, in the study folder: the study's points, its runs (one per point and seed, each a
// normal run folder), where they stand, and the analysis. `medtransfer study` writes it after each
// run ends; the extension reads it. Validate with parseStudyRecord / isStudyRecord.
import { z } from 'zod';
import { errorKindSchema } from '../run/errorKind';
import { studyAnalysisSchema } from './studyAnalysis';
import { GOAL_METRICS, varyValueSchema } from './studySchema';

export const STUDY_RECORD_FORMAT = 'medtransfer-study/1';

export const STUDY_RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'stopped'] as const;
export type StudyRunStatus = (typeof STUDY_RUN_STATUSES)[number];

export const studyPointSchema = z.object({
  id: z.string(),
  values: z.record(z.string(), varyValueSchema),
  label: z.string(),
});

export const studyRunRecordSchema = z.object({
  point: z.string(),
  seed: z.number().int().nonnegative(),
  /** Null until the run's folder is made. */
  runId: z.string().nullable(),
  runDir: z.string().nullable(),
  status: z.enum(STUDY_RUN_STATUSES),
  errorKind: errorKindSchema.nullable(),
  error: z.string().nullable(),
  /** How long the run took (its run-ended), null until it ends. */
  seconds: z.number().nullable(),
});
export type StudyRunRecord = z.infer<typeof studyRunRecordSchema>;

/**
 * `running` while the study's process runs; `completed` when every run completed; `failed` when
 * every run ended and one failed; `stopped` when it was stopped or interrupted with runs left.
 */
export const STUDY_STATUSES = ['running', 'completed', 'failed', 'stopped'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

export const studyRecordSchema = z.object({
  format: z.literal(STUDY_RECORD_FORMAT),
  name: z.string(),
  description: z.string().nullable(),
  studyFile: z.string(),
  /** The base experiment file (absolute) and its name (the folder its runs are in). */
  experimentFile: z.string(),
  experimentName: z.string(),
  runsDir: z.string(),
  /** The varied keys (dotted paths), in the study file's order. */
  varied: z.array(z.string()),
  seeds: z.array(z.number().int().nonnegative()),
  goal: z.object({ metric: z.enum(GOAL_METRICS), value: z.number() }).nullable(),
  points: z.array(studyPointSchema),
  /** Point by point, seed by seed. */
  runs: z.array(studyRunRecordSchema),
  status: z.enum(STUDY_STATUSES),
  /** The pid of the `medtransfer study` process while it runs; null afterwards. */
  pid: z.number().int().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  analysis: studyAnalysisSchema.nullable(),
});
export type StudyRecord = z.infer<typeof studyRecordSchema>;
export type StudyPointRecord = z.infer<typeof studyPointSchema>;

export function isStudyRecord(value: unknown): value is StudyRecord {
  return studyRecordSchema.safeParse(value).success;
}

/** study.json's text to a record, or why it is not one (for a message naming the file). */
export function parseStudyRecord(text: string): { ok: true; record: StudyRecord } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const result = studyRecordSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  const [issue] = result.error.issues;
  return {
    ok: false,
    reason: issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'not a study record',
  };
}
