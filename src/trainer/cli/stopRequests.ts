// Stop requests while a command trains: the `stop` IPC message (the extension), Ctrl-C and
// SIGTERM stop after the current batch; a second Ctrl-C quits at once.
import { isTrainerCommand } from '../../shared/run/trainerProtocol';
import { StopSignal } from '../training/stopSignal';

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
  process.on('message', onMessage);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await action(stop);
  } finally {
    process.off('message', onMessage);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
