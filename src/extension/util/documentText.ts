// A workspace file's text as the user sees it: the open editor's buffer (unsaved changes included),
// else the file on disk.
import * as vscode from 'vscode';

export async function readDocumentText(uri: vscode.Uri): Promise<string> {
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
  return document ? document.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
