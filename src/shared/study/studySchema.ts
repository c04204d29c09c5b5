// The study file's schema (`*.study.yaml|yml|json`): a base experiment, the keys to vary (dotted
// experiment paths, each with its list of values), the seeds, and optionally a goal. Like the
// experiment's, every object is strict, so a typo never passes silently; what the keys of `vary`
// may be is checked against the experiment's schema afterwards (checkStudyPoints.ts).
import { z } from 'zod';
import { PLAIN_NAME_PATTERN, PLAIN_NAME_RULE } from '../run/plainName';

/** Study files: `pneumonia-labels.study.yaml`, `.study.yml`, `.study.json`. */
export const STUDY_FILE_PATTERN = /\.study\.(ya?ml|json)$/i;

/** The value of a sampling key (`labelsPerClass`, `fraction`) that means every label: the key is left out. */
export const ALL_LABELS = 'all';

export const GOAL_METRICS = ['auc', 'balancedAccuracy', 'sensitivity', 'specificity'] as const;
export type GoalMetric = (typeof GOAL_METRICS)[number];

/** A value a varied key takes: a scalar as the experiment file would have it, or a list (`inputShape`). */
export const varyValueSchema = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.array(z.union([z.number(), z.string(), z.boolean()])),
]);
export type VaryValue = z.infer<typeof varyValueSchema>;

/** The most runs one study may ask for: points × seeds. */
export const MAX_STUDY_RUNS = 500;

export const studySchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(PLAIN_NAME_PATTERN, `${PLAIN_NAME_RULE} (it names the study folder)`).max(80),
    description: z.string().optional(),
    experiment: z.string().min(1).describe('The base experiment file, relative to this study file'),
    vary: z
      .record(
        z.string().min(1),
        z
          .array(varyValueSchema)
          .min(1, 'give at least one value')
          .max(100)
          .describe('The values this key takes; `all` for labelsPerClass or fraction: every label'),
      )
      .refine((vary) => Object.keys(vary).length > 0, 'give at least one key to vary, e.g. `target.labelsPerClass`')
      .describe(
        'Experiment keys by dotted path (`target.labelsPerClass`), each with its values: every combination runs',
      ),
    seeds: z
      .array(z.number().int().nonnegative())
      .min(1)
      .max(50)
      .optional()
      .describe('Each point runs once per seed; defaults to the base experiment’s `seeds`, else its `seed`'),
    goal: z
      .object({
        metric: z.enum(GOAL_METRICS).default('auc'),
        value: z.number().gt(0).lt(1).describe('The value to reach, e.g. 0.90'),
      })
      .strict()
      .optional()
      .describe('Labels per class each model needs to reach this, from the fitted learning curves'),
  })
  .strict()
  .superRefine((study, context) => {
    if (study.seeds && new Set(study.seeds).size !== study.seeds.length) {
      context.addIssue({
        code: 'custom',
        path: ['seeds'],
        message: 'each seed once: a repeated seed repeats the same run',
      });
    }
    for (const [key, values] of Object.entries(study.vary)) {
      const seen = new Set(values.map((value) => JSON.stringify(value)));
      if (seen.size !== values.length)
        context.addIssue({
          code: 'custom',
          path: ['vary', key],
          message: 'each value once: a repeated value repeats the same runs',
        });
    }
  });

/** A study as written (defaults not yet applied). */
export type StudyInput = z.input<typeof studySchema>;
export type Study = z.output<typeof studySchema>;
export type StudyGoal = NonNullable<Study['goal']>;
