// What the user reads when installing a backend ends: npm's output is long and mostly noise,
// so the message says the cause when it is a known one (no network, most often: tfjs-node's
// install step downloads libtensorflow from storage.googleapis.com, which firewalls and offline
// machines do not reach), then the last lines of npm's output.
import type { InstallableBackend } from './installableBackends';
import { TFJS_VERSION } from './installableBackends';

export type InstallOutcome =
  | { kind: 'succeeded' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; code: number | null; signal: string | null; output: readonly string[] }
  | { kind: 'not-started'; error: string };

const NETWORK_ERROR =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|CERT_HAS_EXPIRED)\b|network request .* failed|socket hang up|getaddrinfo/i;
const TAIL_LINES = 6;

/** The host npm or the install script could not reach, when its output names one. */
export function unreachableHost(output: readonly string[]): string | undefined {
  const text = output.join('\n');
  const patterns = [
    /hostname: '([^']+)'/,
    /getaddrinfo \w+ ([\w.-]+)/,
    /request to https?:\/\/([^/:\s]+)/,
    /connect \w+ ([\w.:-]+)/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

export function isNetworkFailure(output: readonly string[]): boolean {
  return output.some((line) => NETWORK_ERROR.test(line));
}

/** Lines of npm's output that say nothing to a user: stack frames, dumps of the error object, Node's own noise. */
const NOISE = [
  /^\s+at /,
  /^\s+[\w$]+: .*$/,
  /^\s*[{}^]\s*$/,
  /^node:\w+:\d+$/,
  /^\s*throw er;/,
  /^Emitted 'error' event/,
  /^Node\.js v\d/,
  /A complete log of this run/,
  /Unknown (user|env) config/,
];

/** The last meaningful lines of npm's output, without its `npm error` prefixes and the noise. */
export function outputTail(output: readonly string[], lines = TAIL_LINES): string[] {
  return output
    .map((line) => line.replace(/^npm (error|ERR!|warn|WARN)\s?/, '').trimEnd())
    .filter((line) => line.trim() !== '' && !NOISE.some((pattern) => pattern.test(line)))
    .slice(-lines);
}

/** The error notification for an install that did not succeed (undefined when cancelled). */
export function installFailureMessage(
  backend: InstallableBackend,
  outcome: InstallOutcome,
  commandLine: string,
): string | undefined {
  const what = `${backend.packages.join(' + ')}`;
  if (outcome.kind === 'succeeded' || outcome.kind === 'cancelled') return undefined;
  if (outcome.kind === 'not-started') return `MedTransfer: could not install ${what}: ${outcome.error}`;
  const tail = outputTail(outcome.output);
  const last = tail.length > 0 ? ` npm said: ${tail.join(' ⏎ ')}` : '';
  const exit = outcome.signal !== null ? `ended by ${outcome.signal}` : `exit code ${outcome.code ?? '?'}`;
  if (isNetworkFailure(outcome.output)) {
    const host = unreachableHost(outcome.output);
    const where = host === undefined ? '' : ` (${host} could not be reached)`;
    const why = backend.downloadsLibtensorflow
      ? 'its install downloads libtensorflow from storage.googleapis.com, ' +
        'after the package itself from the npm registry, ' +
        `and this machine's network does not allow it${where}`
      : `the npm registry could not be reached from this machine${where}`;
    return (
      `MedTransfer: installing ${what} failed: ${why}. ` +
      `Install it where the network allows (\`npm install ${backend.packages.join(' ')}\` in a folder) ` +
      "and add that folder's node_modules to the setting medtransfer.backendPaths; " +
      `meanwhile wasm trains on the CPU.${last}`
    );
  }
  return `MedTransfer: installing ${what} failed (${exit}). The command was: ${commandLine}.${last}`;
}

export function installSuccessMessage(backend: InstallableBackend, folder: string): string {
  const needs =
    backend.backend === 'tensorflow-gpu'
      ? ' It uses the GPU only where the CUDA 11.2 and cuDNN 8.1 libraries are found; ' +
        'otherwise runs say why and use the next backend.'
      : '';
  return (
    `MedTransfer: ${backend.label} (${TFJS_VERSION}) is installed in ${folder}; new runs find it.` +
    `${needs} Use it for new runs?`
  );
}
