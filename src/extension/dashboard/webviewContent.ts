// The page of a MedTransfer webview: the other engineer's bundle from dist/webview, inside the
// shared HTML shell (strict CSP with a fresh nonce, no inline handlers), with the webview
// allowed to load nothing but dist/webview.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { buildWebviewHtml, createNonce } from '../../shared/webview/webviewHtml';

export type WebviewBundle = 'dashboard' | 'monitor' | 'explain';

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

export function renderWebview(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  bundle: WebviewBundle,
  title: string,
): void {
  const root = webviewRoot(extensionUri);
  const script = vscode.Uri.joinPath(root, `${bundle}.js`);
  const style = vscode.Uri.joinPath(root, `${bundle}.css`);
  webview.options = webviewOptions(extensionUri);
  webview.html = buildWebviewHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview.asWebviewUri(script).toString(),
    // esbuild writes a stylesheet only when the bundle imports CSS.
    styleUri: existsSync(style.fsPath) ? webview.asWebviewUri(style).toString() : null,
    title,
  });
}

/** The local workspace folders now open (for marking a run's paths that lie outside them). */
export function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === 'file')
    .map((folder) => folder.uri.fsPath);
}
