// Reads a run's saliency.json for the dashboard: validated (it is run data, so untrusted), or
// null when the run has none.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import { saliencyFileSchema } from '../../shared/run/saliency';
import type { SaliencyFile } from '../../shared/run/saliency';

export async function readSaliencyFile(runDir: string): Promise<SaliencyFile | null> {
  let text: string;
  try {
    text = await readFile(join(runDir, RUN_FILES.saliency), 'utf8');
  } catch {
    return null;
  }
  const parsed = saliencyFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${RUN_FILES.saliency} does not match the expected format: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data;
}
