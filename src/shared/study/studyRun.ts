// Where a run stands in a study: its run-started event and its metrics.json carry it, so any reader
// of a run folder (the tree, the dashboard, the report) can group the study's runs by point.
import { z } from 'zod';
import { varyValueSchema } from './studySchema';

export const studyRunRefSchema = z.object({
  /** The study's name. */
  name: z.string(),
  /** The study file (absolute). */
  studyFile: z.string(),
  /** The study folder, which holds study.json (src/shared/host/studyFolder.ts). */
  studyDir: z.string(),
  /** The point's id in the study's grid (`p1`…). */
  point: z.string(),
  /** The point's value of each varied key, by dotted path. */
  values: z.record(z.string(), varyValueSchema),
  seed: z.number().int().nonnegative(),
});
export type StudyRunRef = z.infer<typeof studyRunRefSchema>;
