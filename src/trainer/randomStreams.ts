// Every independent random stream of a run, by name, with the salt it is forked with
// (SeededRandom.fork). Each purpose draws from its own stream, so a change in one (more epochs,
// another label budget, augmentation on) does not move the draws of the others. The numbers are
// the ones runs have always used: changing one changes every result reproduced from a seed, and
// no checkpoint written before would resume to the same weights. A new purpose gets a new salt.
//
// The run's own stream, `new SeededRandom(experiment.seed)` unforked, shuffles the batches of every
// training phase; RunCheckpoints saves and restores it.
export const RANDOM_STREAMS = {
  /** Initial weights of the classifier pretrained on the source task; forked from the run's stream at its start. */
  sourceModelWeights: 1,
  /** Initial weights of the new head on the transferred base; forked from the run's stream after the source phase. */
  headWeights: 2,
  /** Initial weights of the scratch baseline; forked from a new generator of the seed. */
  scratchModelWeights: 3,
  /** Augmentation of one training phase; forked from the run's stream as the phase starts. */
  augmentation: 17,
  /** The test split held out of a dataset that has none (prepareDataset). */
  testSplit: 0x7e57,
  /** The validation split held out of a dataset that has none (prepareDataset). */
  validationSplit: 0x7a1,
  /** The few-shot sample of the training split (`fraction`, `labelsPerClass`). */
  fewShotSample: 0x5a3e,
  /** Which evaluation images get saliency maps at the end of a run. */
  saliencySample: 0x5a11,
  /** The built-in synthetic source task's images, and its train/val/test split. */
  syntheticSourceImages: 0x50c3,
  syntheticSourceSplit: 0x5917,
  /** The built-in synthetic target task's images, and its train/val/test split. */
  syntheticTargetImages: 0x7a6e,
  syntheticTargetSplit: 0x5918,
} as const;

export type RandomStream = keyof typeof RANDOM_STREAMS;
