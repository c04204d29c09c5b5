// A training run outlives whoever started it. When the extension host that forked the trainer
// goes away (a window reload, a crash), its end of the IPC channel and of the stdout/stderr pipes
// closes: sending then fails with ERR_IPC_CHANNEL_CLOSED or EPIPE, and writing with EPIPE, all
// as 'error' events that would kill the process if nobody listened. The run directory has the
// whole record (events.jsonl, log.txt), so these outputs are dropped quietly and the run goes on;
// the extension reattaches by following the run directory.

const LOST_PEER = new Set([
  'EPIPE',
  'ECONNRESET',
  'ERR_IPC_CHANNEL_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

function isLostPeer(error: unknown): boolean {
  return error instanceof Error && LOST_PEER.has((error as NodeJS.ErrnoException).code ?? '');
}

/** Installs the listeners; returns a function that removes them. */
export function outliveParent(): () => void {
  const ignoreLostPeer = (error: unknown) => {
    if (!isLostPeer(error)) throw error;
  };
  const streams = [process.stdout, process.stderr];
  for (const stream of streams) stream.on('error', ignoreLostPeer);
  // The IPC channel reports its failures on `process` itself.
  process.on('error', ignoreLostPeer);
  return () => {
    for (const stream of streams) stream.off('error', ignoreLostPeer);
    process.off('error', ignoreLostPeer);
  };
}
