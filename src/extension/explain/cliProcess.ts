// Runs one short `medtransfer` CLI command (explain, report, predict) from the bundled trainer with VS
// Code's own runtime as plain Node, and collects its output. No vscode here: tests run it for
// real. Cancelling kills the child.
import { fork } from 'node:child_process';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cliPath: string;
  args: readonly string[];
  execPath?: string;
  /** The child's working folder (the paths it prints are relative to it); default: this process's. */
  cwd?: string;
  signal?: AbortSignal;
}

export function runCliCommand(options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = fork(options.cliPath, [...options.args], {
      execPath: options.execPath ?? process.execPath,
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      if (error.name === 'AbortError') resolve({ code: null, stdout: '', stderr: 'cancelled' });
      else reject(error);
    });
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

/** The line of a failed command worth showing: its last `medtransfer: …` line, else its last line. */
export function cliFailure(result: CliResult): string {
  const lines = result.stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const own = lines.filter((line) => line.startsWith('medtransfer: ')).pop();
  return (own ?? lines.pop() ?? `exit code ${result.code}`).replace(/^medtransfer: /, '');
}
