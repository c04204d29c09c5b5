// The one handle on VS Code's webview API (acquireVsCodeApi may be called once per page).
// Outgoing messages are typed and validated; state is whatever the view saves.
import { webviewMessageSchema } from '../../../src/shared/webview/protocol';
import type { WebviewMessage } from '../../../src/shared/webview/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export interface WebviewHost {
  post(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Connects to VS Code; outside it (a page opened in a browser) messages go to the console. */
export function connectToHost(): WebviewHost {
  const api: VsCodeApi =
    typeof acquireVsCodeApi === 'function'
      ? acquireVsCodeApi()
      : {
          postMessage: (message) => console.info('postMessage', message),
          getState: () => undefined,
          setState: () => undefined,
        };
  return {
    post(message) {
      api.postMessage(webviewMessageSchema.parse(message));
    },
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
