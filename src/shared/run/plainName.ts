// The names that become one folder of a run's path: the experiment's name (`runs/<name>/`) and
// the run id (`runs/<name>/<run id>/`). A plain name is a single path segment that means the same
// on every system, so no name can lead outside the runs folder (`..`, `a/b`, `/etc`, `C:\x`).
// The one check for both: the experiment schema, the CLI's --run-id, and whatever builds a run's
// path (the trainer's run folder, the extension's launches).

export const PLAIN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const PLAIN_NAME_RULE = 'letters, digits, ".", "_" and "-" only, starting with a letter or digit';
export const MAX_RUN_ID_LENGTH = 100;

/** What is wrong with `runId` as a run folder's name, in one sentence; null when it is a plain name. */
export function runIdProblem(runId: string): string | null {
  const shown = JSON.stringify(runId.length > 60 ? `${runId.slice(0, 60)}…` : runId);
  if (runId === '') return 'a run id cannot be empty';
  if (runId.length > MAX_RUN_ID_LENGTH) return `run id ${shown} is longer than ${MAX_RUN_ID_LENGTH} characters`;
  if (!PLAIN_NAME_PATTERN.test(runId))
    return `run id ${shown} is not a plain name: ${PLAIN_NAME_RULE} (it names the run folder)`;
  return null;
}

/** `runId` itself, or an error saying what is wrong with it: for code about to build a run's path. */
export function checkedRunId(runId: string): string {
  const problem = runIdProblem(runId);
  if (problem !== null) throw new Error(problem);
  return runId;
}

/** `name` itself, or an error: for an experiment's name about to become a folder (the schema checked it already). */
export function checkedPlainName(name: string): string {
  if (!PLAIN_NAME_PATTERN.test(name))
    throw new Error(`${JSON.stringify(name)} is not a plain name: ${PLAIN_NAME_RULE}`);
  return name;
}
