// `auto` asks whether this machine has a hardware WebGPU adapter without loading Dawn into the
// trainer: on a machine without a GPU, Dawn writes Vulkan warnings that look like stack traces
// (and Mesa an XDG_RUNTIME_DIR error) from native code straight to file descriptor 2, which Node
// cannot redirect. So a child process looks (webgpuProbeChild.ts) with its output captured: what
// it found comes back over IPC, and what Dawn said goes into the note when there is no adapter.
// It costs one more Node process (README, Backends, has the time); a crash or hang in Dawn costs
// the probe, not the run: the child is killed after timeoutMs.
import { fork } from 'node:child_process';
import { extname, join } from 'node:path';
import { moduleDir, moduleFile } from './moduleLocation';
import type { AdapterSearch } from './webgpuAdapterSearch';
import { NO_ADAPTER_NOTE } from './webgpuAdapterSearch';

export interface WebgpuProbeOptions {
  /** Extra folders to find the `webgpu` package in, as for the trainer's own loader. */
  searchPaths: readonly string[];
  /** The child's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long Dawn may take to answer (default 20 s). */
  timeoutMs?: number;
}

export type WebgpuProbe = () => Promise<AdapterSearch>;

/** Dawn's output kept for the note: enough to tell why, not a screenful. */
const MAX_OUTPUT = 16_384;
const MAX_LINES = 3;

/** The child's script beside this one: dist/webgpuProbeChild.js in the bundle, the .ts file under tsx. */
function childScript(): string {
  return join(moduleDir(), `webgpuProbeChild${extname(moduleFile())}`);
}

export function probeWebgpuInChild(options: WebgpuProbeOptions): Promise<AdapterSearch> {
  return new Promise((resolve) => {
    const child = fork(childScript(), [...options.searchPaths], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: options.env ?? process.env,
      // Under tsx the loader flags come along; a debugger's would make the child wait for one.
      execArgv: process.execArgv.filter((flag) => !flag.startsWith('--inspect')),
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let answer: AdapterSearch | undefined;
    let settled = false;
    const finish = (result: AdapterSearch): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(failed(`the WebGPU probe did not answer within ${timeoutMs / 1000} s`, output));
    }, timeoutMs);
    child.on('message', (message) => {
      answer = asAdapterSearch(message);
    });
    child.on('error', (error) => finish(failed(`the WebGPU probe did not start: ${error.message}`, output)));
    // After 'exit' and the pipes' end, so that all of Dawn's output is in.
    child.on('close', (code, signal) => {
      if (answer === undefined)
        finish(failed(`the WebGPU probe ended without an answer (${signal ?? `exit code ${code}`})`, output));
      else if (!answer.found && answer.note === NO_ADAPTER_NOTE)
        finish({ ...answer, note: withDawn(answer.note, output) });
      else finish(answer);
    });
  });
}

function failed(note: string, output: string): AdapterSearch {
  return { found: false, reason: 'failed', note: withDawn(note, output) };
}

/** The note, and the first distinct lines Dawn (or Vulkan's loader) wrote, without stack frames. */
function withDawn(note: string, output: string): string {
  const lines = [
    ...new Set(
      output
        .split('\n')
        .filter((line) => line.trim() !== '' && !/^\s+at /.test(line))
        .map((line) =>
          line
            .replace(/^(Warning|error):\s*/i, '')
            .trim()
            .slice(0, 200),
        ),
    ),
  ].slice(0, MAX_LINES);
  return lines.length === 0 ? note : `${note}; Dawn said: ${lines.join('; ')}`;
}

/** The child's message, checked: it is another process's output. */
function asAdapterSearch(message: unknown): AdapterSearch | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const value = message as Record<string, unknown>;
  if (value.found === true && typeof value.label === 'string' && typeof value.hardware === 'boolean')
    return { found: true, label: value.label, hardware: value.hardware };
  if (
    value.found === false &&
    (value.reason === 'missing' || value.reason === 'unsuitable' || value.reason === 'failed') &&
    typeof value.note === 'string'
  )
    return { found: false, reason: value.reason, note: value.note };
  return undefined;
}
