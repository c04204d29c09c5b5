// The pure parts of "Explain with model…": which files can be explained, which runs can explain
// them, the CLI arguments, and the CLI's JSON answer (validated: it is a child's output).
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { trainerCommandLine } from '../../shared/host/trainerCommandLine';
import { RUN_FILES } from '../../shared/run/runFiles';
import { saliencyFileSchema } from '../../shared/run/saliency';
import type { SaliencyFile } from '../../shared/run/saliency';
import type { RunState } from '../../shared/run/runState';

/** What the loaders decode one file at a time: PNG, JPEG and DICOM (any extension, `.dcm` in the menu). */
export const EXPLAINABLE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.dcm', '.dicom'] as const;

export function isExplainableImage(path: string): boolean {
  return (EXPLAINABLE_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** A run can explain images when it completed and saved the fine-tuned or the scratch model. */
export function canExplain(runDir: string, state: Pick<RunState, 'status'>): boolean {
  return (
    state.status === 'completed' &&
    [RUN_FILES.model, RUN_FILES.scratchModel].some((folder) => existsSync(join(runDir, folder, 'model.json')))
  );
}

export function explainArgs(runDir: string, files: readonly string[]): string[] {
  return trainerCommandLine({ command: 'explain', positionals: [runDir, ...files], flags: { json: true } });
}

export function parseExplainOutput(stdout: string): SaliencyFile {
  const line = stdout.trim().split(/\r?\n/).pop() ?? '';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('the trainer did not answer with JSON');
  }
  const parsed = saliencyFileSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(`the trainer's answer is not a saliency file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
