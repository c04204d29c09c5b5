// Waiting in tests on what another process, a file or a page does: poll a probe until it gives a
// value, or ask whether a pid lives. One argument order everywhere: what is awaited, the probe,
// then the options.

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface WaitOptions {
  /** Fail after this long; 10 s by default. */
  timeoutMs?: number;
  /** Probe this often; 20 ms by default. */
  intervalMs?: number;
}

type Found<T> = Exclude<T, undefined | null | false>;

/**
 * Resolves with the probe's first value other than undefined, null and false (true for a
 * condition). A probe that throws counts as not yet; the timeout's error names `what` and the
 * last error thrown.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20 }: WaitOptions = {},
): Promise<Found<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as Found<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
