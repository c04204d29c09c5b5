// Stop requests while a command trains: the `stop` IPC message (the extension), Ctrl-C and
// SIGTERM stop after the current batch; a second Ctrl-C quits at once. In a SLURM job, SIGUSR1 is
// the time limit's warning (`medtransfer submit` asks sbatch for it): the run stops the same way
// but ends failed with errorKind `time-limit`, its checkpoint kept for a resubmission.
import { isTrainerCommand } from '../../shared/run/trainerProtocol';
import { StopSignal } from '../training/stopSignal';
import type { StopAsFailure } from '../training/stopSignal';

export async function withStopRequests<T>(action: (stop: StopSignal) => Promise<T>): Promise<T> {
  const stop = new StopSignal();
  const onMessage = (message: unknown) => {
    if (isTrainerCommand(message) && message.type === 'stop') stop.request('stop requested by the editor');
  };
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    stop.request(signal === 'SIGINT' ? 'Ctrl-C' : signal);
  };
  const onTimeLimit = () => stop.request('the SLURM time limit is near', timeLimitFailure());
  // Outside SLURM, SIGUSR1 stays Node's (it opens the inspector).
  const inSlurm = (process.env.SLURM_JOB_ID ?? '') !== '';
  process.on('message', onMessage);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (inSlurm) process.on('SIGUSR1', onTimeLimit);
  try {
    return await action(stop);
  } finally {
    process.off('message', onMessage);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (inSlurm) process.off('SIGUSR1', onTimeLimit);
  }
}

function timeLimitFailure(): StopAsFailure {
  const job = process.env.SLURM_JOB_ID ?? '';
  return {
    error:
      `time limit: SLURM job ${job} was about to reach its time limit, so the run stopped after its last batch; ` +
      'resubmit it (`medtransfer submit RUN_DIR`, with a longer --time) to continue from the last checkpoint',
    errorKind: 'time-limit',
  };
}
