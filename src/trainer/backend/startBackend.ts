// tf.setBackend reports a failed initialisation only as `false`; the reason goes to console.warn
// ("Initialization of backend X failed", then the error). Capture those lines while the backend
// starts, so the reason reaches the run's notes and log instead of being lost on stderr.
import type { BackendEngine } from './backendAttempt';
import { firstLine } from './moduleLoader';
import { errorMessage, errorStack } from '../../shared/errors/errorMessage';

export type StartResult = { ok: true } | { ok: false; reason: string };

export async function startBackend(
  engine: BackendEngine,
  name: string,
  log: (line: string) => void,
): Promise<StartResult> {
  const warnings: string[] = [];
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((arg) => errorStack(arg)).join(' '));
  };
  let started = false;
  let thrown: unknown;
  try {
    started = await engine.setBackend(name);
    if (started) await engine.ready();
  } catch (error) {
    thrown = error;
    started = false;
  } finally {
    console.warn = originalWarn;
  }
  warnings.forEach((line) => log(firstLine(line)));
  if (started) return { ok: true };
  const reason =
    thrown !== undefined
      ? firstLine(errorMessage(thrown))
      : (warnings.map(firstLine).find((line) => !/^Initialization of backend .* failed$/.test(line)) ??
        `tf.setBackend('${name}') failed`);
  return { ok: false, reason };
}
