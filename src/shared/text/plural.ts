// Counts in words, for every text a person reads (CLI, log, notifications, tree, webviews,
// reports): "1 epoch", "0 epochs", "2 classes". English needs only the singular for exactly one.

export interface CountOptions {
  /** The plural when it is not the singular plus "s" ("classes", "patients" needs none). */
  plural?: string;
  /** Writes the number (default: as is); e.g. with thousands separators. */
  format?: (count: number) => string;
}

/** The noun for `count` things: `plural(1, 'epoch')` is "epoch", `plural(3, 'epoch')` "epochs". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return count === 1 ? singular : pluralForm;
}

/**
 * The count and its noun: `counted(1, 'epoch')` is "1 epoch",
 * `counted(0, 'class', { plural: 'classes' })` "0 classes".
 */
export function counted(count: number, singular: string, options: CountOptions = {}): string {
  const number = options.format ? options.format(count) : String(count);
  return `${number} ${plural(count, singular, options.plural)}`;
}
