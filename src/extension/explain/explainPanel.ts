// The Explain panel: a webview showing one explanation (the maps of the images the user picked).
// The page posts `ready` (validated); the host then posts the maps once.
import * as vscode from 'vscode';
import type { ExplainHostMessage } from '../../shared/webview/protocol';
import { parseWebviewMessage } from '../../shared/webview/protocol';
import { renderWebview } from '../dashboard/webviewContent';

export const EXPLAIN_VIEW_TYPE = 'medtransfer.explain';

export function showExplainPanel(
  extensionUri: vscode.Uri,
  message: ExplainHostMessage,
  log: vscode.LogOutputChannel,
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    EXPLAIN_VIEW_TYPE,
    `Explain: ${message.run}`,
    vscode.ViewColumn.Active,
    { retainContextWhenHidden: false },
  );
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'resources', 'medtransfer.svg');
  renderWebview(panel.webview, extensionUri, 'explain', panel.title);
  const subscription = panel.webview.onDidReceiveMessage((raw: unknown) => {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      log.warn(`explain panel: ignored an invalid message (${parsed.reason})`);
      return;
    }
    if (parsed.message.type === 'ready') void panel.webview.postMessage(message);
  });
  panel.onDidDispose(() => subscription.dispose());
  return panel;
}
