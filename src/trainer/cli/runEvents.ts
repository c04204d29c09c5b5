// Where one run's events go from the CLI: events.jsonl and log.txt always, a progress bar or
// lines on the terminal, and IPC when the extension forked the trainer.
import { join } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import { EventStream } from '../run/eventStream';
import { IpcSink } from '../run/ipcSink';
import { JsonlSink } from '../run/jsonlSink';
import { LogSink } from '../run/logSink';
import { ProgressSink } from './progressSink';

export type ProgressMode = 'bar' | 'lines' | 'quiet';

/**
 * `ipc: false` keeps a run off the IPC channel: the extension follows the one run it started
 * there; further runs of the same process (a repeated experiment's seeds) it finds on disk.
 * `firstSeq`: a resumed run numbers on from its last event.
 */
export function runEventStream(
  runDir: string,
  progress: ProgressMode,
  showLine: (line: string) => void,
  ipc = true,
  firstSeq = 0,
): EventStream {
  const events = new EventStream([new JsonlSink(join(runDir, RUN_FILES.events))], firstSeq);
  events.add(new LogSink(join(runDir, RUN_FILES.log), progress === 'lines' ? showLine : null));
  if (progress === 'bar') events.add(new ProgressSink(process.stderr));
  if (ipc && process.send) events.add(new IpcSink(process));
  return events;
}
