// Reading submitted runs as a user does: `medtransfer status --json`, polled until they get where
// a test waits for them.
import type { JobStatusRow } from '../../src/trainer/cli/jobStatusCommand';
import { runCli } from './cliHarness';
import { waitUntil } from './polling';

export function jobStatus(folder: string): JobStatusRow[] {
  const result = runCli(['status', folder, '--json'], { timeoutMs: 60_000 });
  if (result.status !== 0) throw new Error(`medtransfer status failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as JobStatusRow[];
}

/** Polls `medtransfer status RUN_DIR` until the run's status is one of `statuses`. */
export async function waitForStatus(
  runDir: string,
  statuses: readonly JobStatusRow['status'][],
  timeoutMs = 120_000,
): Promise<JobStatusRow> {
  return waitUntil(
    `${runDir} to be ${statuses.join(' or ')}`,
    () => jobStatus(runDir).find((row) => statuses.includes(row.status)),
    { timeoutMs, intervalMs: 1000 },
  );
}
