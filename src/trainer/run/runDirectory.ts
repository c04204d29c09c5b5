// Creates `<runsDir>/<experiment name>/<run id>/`. Run ids are local timestamps, so a listing
// sorts by time; two runs started in the same second get `-2`, `-3`…
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkedPlainName, checkedRunId } from '../../shared/run/plainName';
import { RUN_FILES } from '../../shared/run/runFiles';

export function timestampRunId(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

export function createRunDirectory(
  runsDir: string,
  experimentName: string,
  requestedId: string | null,
  now = new Date(),
): { runId: string; runDir: string } {
  // Both name one folder each: neither may lead out of the runs folder.
  const experimentDir = join(runsDir, checkedPlainName(experimentName));
  mkdirSync(experimentDir, { recursive: true });
  const base = requestedId === null ? timestampRunId(now) : checkedRunId(requestedId);
  for (let attempt = 1; ; attempt++) {
    const runId = attempt === 1 ? base : `${base}-${attempt}`;
    const runDir = join(experimentDir, runId);
    if (requestedId !== null && attempt === 1 && existsSync(runDir)) {
      // `medtransfer submit` made it for this run, with its job script, before the job started.
      if (isSubmittedBeforeStart(runDir)) return { runId, runDir };
      throw new Error(`run directory ${runDir} already exists`);
    }
    try {
      mkdirSync(runDir);
      return { runId, runDir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** A folder `medtransfer submit` prepared: its job script, and no trainer has written events yet. */
function isSubmittedBeforeStart(runDir: string): boolean {
  return existsSync(join(runDir, RUN_FILES.jobScript)) && !existsSync(join(runDir, RUN_FILES.events));
}
