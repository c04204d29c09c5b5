// How `medtransfer predict` names a file it skipped, on a stderr line of its own: written by the
// trainer, read back by the extension (which lists them), defined once here so both agree. The path
// is JSON-quoted: a file name may hold ": " or quotes, and the line must still split in one way.

export interface SkippedFile {
  /** The path as the output shows it (relative to where it was found). */
  path: string;
  reason: string;
}

const PREFIX = 'medtransfer: skipped ';

export function skippedLine(skipped: SkippedFile): string {
  return `${PREFIX}${JSON.stringify(skipped.path)}: ${skipped.reason}`;
}

/** The skipped files named in a predict's stderr, in order; other lines are left out. */
export function parseSkippedLines(stderr: string): SkippedFile[] {
  const skipped: SkippedFile[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const match = /^medtransfer: skipped ("(?:[^"\\]|\\.)*"): (.*)$/.exec(line);
    if (!match?.[1]) continue;
    const path: unknown = JSON.parse(match[1]);
    if (typeof path === 'string') skipped.push({ path, reason: match[2] ?? '' });
  }
  return skipped;
}
