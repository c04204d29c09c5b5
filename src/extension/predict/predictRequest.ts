// The pure parts of "Predict with Model…": which Explorer entries can be predicted, which runs
// can predict, the CLI's command line (run in the selection's common folder, so the CSV names the
// images by their paths from there), where the CSV goes, and what the CLI's ending means.
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { trainerCommandLine } from '../../shared/host/trainerCommandLine';
import { parseSkippedLines } from '../../shared/run/predictionSkips';
import type { SkippedFile } from '../../shared/run/predictionSkips';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { RunState } from '../../shared/run/runState';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { cliFailure } from '../explain/cliProcess';
import type { CliResult } from '../explain/cliProcess';

/** The files `predict` decodes (as package.json's Explorer menu names them); folders are read for these. */
const PREDICTABLE_NAME = /\.(png|jpe?g|dcm|dicom|nii|nii\.gz)$/i;

export const PREDICTIONS_FILE = 'predictions.csv';

export function isPredictableImage(path: string): boolean {
  return PREDICTABLE_NAME.test(path);
}

/** A run can predict when it completed and saved its fine-tuned model, the one `predict` uses. */
export function canPredict(runDir: string, state: Pick<RunState, 'status'>): boolean {
  return state.status === 'completed' && existsSync(join(runDir, RUN_FILES.model, 'model.json'));
}

/** The deepest folder holding every target (a folder target counts as inside its parent). */
export function commonFolder(targets: readonly string[]): string {
  const parents = targets.map((target) => dirname(target).split(sep));
  const first = parents[0] ?? [];
  let length = first.length;
  for (const parts of parents) {
    let same = 0;
    while (same < Math.min(length, parts.length) && parts[same] === first[same]) same++;
    length = same;
  }
  return first.slice(0, length).join(sep) || sep;
}

export interface PredictRequest {
  args: string[];
  cwd: string;
}

export function predictRequest(modelDir: string, targets: readonly string[], out: string): PredictRequest {
  const cwd = commonFolder(targets);
  const positionals = targets.map((target) => relative(cwd, target));
  return {
    args: trainerCommandLine({ command: 'predict', positionals: [modelDir, ...positionals], flags: { out } }),
    cwd,
  };
}

export type PredictOutcome =
  { kind: 'written'; skipped: SkippedFile[] } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

/** What the CLI's ending means: the CSV was written (some files perhaps skipped), or why not. */
export function predictOutcome(result: CliResult): PredictOutcome {
  if (result.code === null && result.stderr === 'cancelled') return { kind: 'cancelled' };
  if (result.code === EXIT.ok) return { kind: 'written', skipped: [] };
  if (result.code === EXIT.skipped) return { kind: 'written', skipped: parseSkippedLines(result.stderr) };
  return { kind: 'failed', message: cliFailure(result) };
}

/** A notification's list of skipped files: the first few with their reasons, then how many more. */
export function skippedSummary(skipped: readonly SkippedFile[], shown = 3): string {
  const listed = skipped.slice(0, shown).map((file) => `${file.path} (${file.reason})`);
  const more = skipped.length > shown ? `; and ${skipped.length - shown} more (see the log)` : '';
  return `${listed.join('; ')}${more}`;
}
