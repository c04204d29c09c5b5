// Messages from the extension host arrive as window `message` events. They carry untrusted run
// data, so each is validated before any view sees it; an invalid one is dropped with a warning.
import { hostMessageSchema } from '../../../src/shared/webview/protocol';
import type { HostMessage } from '../../../src/shared/webview/protocol';

export function listenToHost(handle: (message: HostMessage) => void): () => void {
  const listener = (event: MessageEvent<unknown>): void => {
    const parsed = hostMessageSchema.safeParse(event.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      console.warn(
        'MedTransfer: ignored an invalid message from the extension ' +
          `(${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown shape'})`,
      );
      return;
    }
    handle(parsed.data);
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}
