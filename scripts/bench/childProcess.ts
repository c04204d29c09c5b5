// Runs one measurement in its own process: its memory peak is its own, and a crash or a hang
// (killed at the time limit) costs that row only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ChildOutcome<T> = { ok: true; value: T; seconds: number } | { ok: false; error: string; seconds: number };

/** The last lines of a child's stderr, for the report. */
function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join(' | ');
}

/**
 * Spawns `command args… RESULT_FILE` and parses the JSON the child wrote to RESULT_FILE. stdout is
 * dropped (tfjs prints a banner there); stderr is kept for the error message.
 */
export function runChild<T>(
  command: string,
  args: readonly string[],
  options: { timeoutSeconds: number; env?: NodeJS.ProcessEnv },
): Promise<ChildOutcome<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'medtransfer-bench-row-'));
  const resultFile = join(dir, 'result.json');
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, [...args, resultFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: options.env ?? process.env,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutSeconds * 1000);
    const finish = (outcome: ChildOutcome<T>) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve(outcome);
    };
    child.on('error', (error) =>
      finish({
        ok: false,
        error: `could not start ${command}: ${error.message}`,
        seconds: (performance.now() - started) / 1000,
      }),
    );
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      if (timedOut) return finish({ ok: false, error: `killed after ${options.timeoutSeconds} s`, seconds });
      try {
        const value = JSON.parse(readFileSync(resultFile, 'utf8')) as T;
        finish({ ok: true, value, seconds });
      } catch {
        finish({
          ok: false,
          error: `exited with ${signal ?? `code ${code ?? '?'}`} and no result${stderr ? `: ${tail(stderr)}` : ''}`,
          seconds,
        });
      }
    });
  });
}
