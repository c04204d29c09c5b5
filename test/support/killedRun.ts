// A `medtransfer run` forked as the extension forks it (events over IPC) and SIGKILLed at the
// event a test chooses: what a crash, the OOM killer or a lost node leaves for `medtransfer resume`.
import { fork } from 'node:child_process';
import { isTrainerEvent } from '../../src/shared/run/events';
import type { TrainerEvent } from '../../src/shared/run/events';
import { cliPath } from './paths';

/** Forks `run file --run-id runId` and SIGKILLs it when `kill` says so. */
export async function runAndKill(
  file: string,
  runId: string,
  kill: (event: TrainerEvent) => boolean,
): Promise<{ signal: NodeJS.Signals | null; pid: number }> {
  const child = fork(cliPath, ['run', file, '--run-id', runId], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  child.on('message', (message: unknown) => {
    if (isTrainerEvent(message) && kill(message)) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, received) => resolve(received)),
  );
  return { signal, pid: child.pid ?? -1 };
}
