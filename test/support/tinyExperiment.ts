// The tiny experiment the trainer tests run through the real CLI: synthetic source and target
// tasks small enough to train in seconds. A test names only what it varies: each section it gives
// is merged over the default one key by key, and a key given as undefined is left out of the file
// (`seed: undefined` for the schema's default seed, `source: undefined` to start from `pretrained`).
import { Document, isCollection } from 'yaml';
import type { ExperimentInput } from '../../src/shared/experiment/schema';

type Section<K extends keyof ExperimentInput> = Partial<NonNullable<ExperimentInput[K]>>;

export interface TinyExperimentOptions {
  name?: string;
  seed?: number;
  seeds?: number[];
  backend?: ExperimentInput['backend'];
  model?: Section<'model'>;
  source?: Section<'source'>;
  pretrained?: string;
  target?: Section<'target'>;
  fineTune?: Section<'fineTune'>;
  training?: Section<'training'>;
  baseline?: Section<'baseline'>;
  evaluation?: Section<'evaluation'>;
}

/** A synthetic dataset of the lesion tasks (`source`: 4 shapes; `target`: normal vs lesion). */
export function synthetic(
  task: 'source' | 'target',
  samples: number,
): { type: 'synthetic'; task: typeof task; samples: number } {
  return { type: 'synthetic', task, samples };
}

const SECTIONS = ['model', 'source', 'target', 'fineTune', 'training', 'baseline', 'evaluation'] as const;
type SectionName = (typeof SECTIONS)[number];

const DEFAULTS = { name: 'tiny', seed: 3 };
const DEFAULT_SECTIONS: Partial<Record<SectionName, object>> = {
  model: { architecture: 'seed-cnn', inputShape: [20, 20, 1] },
  source: { dataset: synthetic('source', 200), epochs: 1 },
  target: { dataset: synthetic('target', 120), classes: ['normal', 'lesion'], labelsPerClass: 8 },
  fineTune: { strategy: 'two-phase', headEpochs: 1, epochs: 1 },
  training: { batchSize: 16 },
  evaluation: { positiveClass: 'lesion' },
};

/** The experiment as an object: the defaults with `options` merged over them, section by section. */
export function tinyExperimentInput(options: TinyExperimentOptions = {}): ExperimentInput {
  const experiment: Record<string, unknown> = { ...DEFAULTS, ...DEFAULT_SECTIONS, ...options };
  for (const section of SECTIONS) {
    const given = options[section];
    if (given !== undefined) experiment[section] = withoutUndefined({ ...DEFAULT_SECTIONS[section], ...given });
  }
  return withoutUndefined(experiment) as ExperimentInput;
}

function withoutUndefined(object: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/**
 * The experiment file's text: one line per top-level key, each section in flow style, e.g.
 * `source: { dataset: { type: synthetic, task: source, samples: 200 }, epochs: 1 }`.
 */
export function tinyExperiment(options: TinyExperimentOptions = {}): string {
  const document = new Document(tinyExperimentInput(options));
  if (isCollection(document.contents))
    for (const item of document.contents.items) {
      const value = (item as { value?: unknown }).value;
      if (isCollection(value)) value.flow = true;
    }
  return document.toString({ lineWidth: 0 });
}
