// Helpers for tests that run the built trainer (dist/cli.js) the way users do.
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEventLines } from '../../src/shared/run/eventLines';
import { isTrainerEvent } from '../../src/shared/run/events';
import type { TrainerEvent, TrainerEventOf, TrainerEventType } from '../../src/shared/run/events';
import { cliPath, repoRoot } from './paths';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 240_000,
    ...(options.env ? { env: options.env } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The CPU time (user + system, in seconds) the CLI spends on `args`, its output discarded: CPU
 * time rather than wall time, since the machine is shared. Read from bash's `times`, whose
 * second line is its children's.
 */
export function cliCpuSeconds(args: string[], options: { cwd?: string } = {}): number {
  const result = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; times', 'bash', process.execPath, cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
  });
  const children = result.stdout.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((match) => Number(match[1]) * 60 + Number(match[2]));
  if (seconds.length !== 2) throw new Error(`cannot read the CPU time from bash's times: ${result.stdout}`);
  return (seconds[0] ?? 0) + (seconds[1] ?? 0);
}

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `medtransfer-${prefix}-`));
}

/** Writes an experiment file into `folder` and returns its path. */
export function writeExperiment(folder: string, name: string, text: string): string {
  const file = join(folder, `${name}.experiment.yaml`);
  writeFileSync(file, text);
  return file;
}

export function readEvents(runDir: string): TrainerEvent[] {
  const parsed = parseEventLines(readFileSync(join(runDir, 'events.jsonl'), 'utf8'));
  if (parsed.invalidLines.length > 0 || parsed.remainder !== '')
    throw new Error(`events.jsonl has invalid lines ${parsed.invalidLines.join(', ')}`);
  return parsed.events;
}

export function eventsOf<T extends TrainerEventType>(events: TrainerEvent[], type: T): TrainerEventOf<T>[] {
  return events.filter((event): event is TrainerEventOf<T> => event.type === type);
}

/** The run folder a `run` printed on its last line. */
export function runDirFromOutput(stdout: string): string {
  const match = /Run folder: (.+)\s*$/.exec(stdout.trim());
  if (!match?.[1]) throw new Error(`no run folder in output:\n${stdout}`);
  return match[1].trim();
}

export interface SignalledCli {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Forks the CLI as the extension does (its events come over IPC) and sends it `signal` at the
 * first event `when` picks (several at once: a stop, then Ctrl-C); settles when it has exited.
 */
export function forkCliAndSignal(
  args: string[],
  when: (event: TrainerEvent) => boolean,
  signal: NodeJS.Signals | NodeJS.Signals[],
): Promise<SignalledCli> {
  const child = fork(cliPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  let sent = false;
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('message', (message: unknown) => {
    if (sent || !isTrainerEvent(message) || !when(message)) return;
    sent = true;
    // At once: one sent later may find the trainer already gone. The kernel merges a signal into
    // the same one still pending, so a sequence that must count twice uses two different signals.
    (Array.isArray(signal) ? signal : [signal]).forEach((one) => child.kill(one));
  });
  return new Promise((resolve) =>
    child.once('exit', (code, received) => resolve({ pid: child.pid ?? -1, code, signal: received, stderr })),
  );
}
