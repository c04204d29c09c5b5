// The workspace's experiment files, kept current: found with a glob, followed by a file
// watcher, and re-read from the editor buffer as the user types (so the tree, the code lenses
// and the squiggles agree with what is on screen, saved or not).
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { experimentRunsDir, resolveRunsRoot } from '../runs/runPaths';
import { readSettings } from '../settings/settings';
import { DebouncePerKey } from '../util/debouncePerKey';
import { readDocumentText } from '../util/documentText';
import { DisposableStore } from '../util/emitter';
import {
  EXPERIMENT_FILE_GLOB,
  EXPERIMENT_SEARCH_EXCLUDE,
  experimentFileStem,
  isExperimentFile,
} from './experimentFiles';
import { summarizeExperiment } from './experimentSummary';
import type { ExperimentSummary } from './experimentSummary';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface ExperimentEntry {
  readonly uri: vscode.Uri;
  /** File system path: the key of an experiment everywhere. */
  readonly path: string;
  readonly stem: string;
  readonly relativePath: string;
  readonly text: string;
  readonly summary: ExperimentSummary;
  /** Where its runs go (the runs folder setting applied), and its own runs folder inside. */
  readonly runsRoot: string;
  readonly experimentDir: string | null;
  /** Found by the workspace glob (else: a file opened from outside the workspace). */
  readonly inWorkspace: boolean;
}

const TYPING_DEBOUNCE_MS = 250;

export class ExperimentIndex implements vscode.Disposable {
  private readonly entries = new Map<string, ExperimentEntry>();
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<readonly string[]>());
  private readonly typing = this.disposables.add(new DebouncePerKey(TYPING_DEBOUNCE_MS));
  private loaded: Promise<void> | null = null;

  /** Fires with the paths of experiments that were added, changed or removed. */
  readonly onDidChangeExperiments: vscode.Event<readonly string[]> = this.changeEmitter.event;

  constructor(private readonly log: (message: string) => void) {
    const watcher = this.disposables.add(vscode.workspace.createFileSystemWatcher(EXPERIMENT_FILE_GLOB));
    this.disposables.add(watcher.onDidCreate((uri) => void this.reload(uri, true)));
    this.disposables.add(watcher.onDidChange((uri) => void this.reload(uri, true)));
    this.disposables.add(watcher.onDidDelete((uri) => this.delete(uri)));
    this.disposables.add(vscode.workspace.onDidOpenTextDocument((document) => this.documentOpened(document)));
    this.disposables.add(vscode.workspace.onDidChangeTextDocument((event) => this.documentChanged(event.document)));
    this.disposables.add(vscode.workspace.onDidCloseTextDocument((document) => void this.documentClosed(document)));
    this.disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshAll()));
  }

  /** Finds every experiment file; settles when the first listing is done. */
  ready(): Promise<void> {
    this.loaded ??= this.refreshAll();
    return this.loaded;
  }

  get all(): ExperimentEntry[] {
    return [...this.entries.values()].sort((a, b) => a.relativePath.localeCompare(b.relativePath));
  }

  get(path: string): ExperimentEntry | undefined {
    return this.entries.get(path);
  }

  /** Re-reads everything (the workspace folders or the runs folder setting changed). */
  async refreshAll(): Promise<void> {
    const found = await vscode.workspace.findFiles(EXPERIMENT_FILE_GLOB, EXPERIMENT_SEARCH_EXCLUDE);
    const foundPaths = new Set(found.map((uri) => uri.fsPath));
    const removed = [...this.entries.keys()].filter((path) => !foundPaths.has(path) && !this.isOpen(path));
    for (const path of removed) this.entries.delete(path);
    const openOutside = vscode.workspace.textDocuments.filter(
      (document) => isExperimentDocument(document) && !foundPaths.has(document.uri.fsPath),
    );
    const changed = await Promise.all([
      ...found.map((uri) => this.reload(uri, true, false)),
      ...openOutside.map((document) => this.reload(document.uri, false, false)),
    ]);
    this.changeEmitter.fire([...removed, ...changed.filter((path): path is string => path !== null)]);
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private isOpen(path: string): boolean {
    return vscode.workspace.textDocuments.some((document) => document.uri.fsPath === path);
  }

  /** Reads the file (from its open editor if any) and updates its entry; returns its path. */
  private async reload(uri: vscode.Uri, inWorkspace: boolean, fire = true): Promise<string | null> {
    if (uri.scheme !== 'file' || !isExperimentFile(uri.fsPath)) return null;
    let text: string;
    try {
      text = await readDocumentText(uri);
    } catch (error) {
      this.log(`could not read ${uri.fsPath}: ${errorMessage(error)}`);
      return null;
    }
    this.update(uri, text, inWorkspace || (this.entries.get(uri.fsPath)?.inWorkspace ?? false));
    if (fire) this.changeEmitter.fire([uri.fsPath]);
    return uri.fsPath;
  }

  private update(uri: vscode.Uri, text: string, inWorkspace: boolean): void {
    const summary = summarizeExperiment(text);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const runsRoot = resolveRunsRoot({
      experimentFile: uri.fsPath,
      setting: readSettings(uri).runsFolder,
      workspaceFolder: folder?.uri.fsPath,
      home: homedir(),
    });
    this.entries.set(uri.fsPath, {
      uri,
      path: uri.fsPath,
      stem: experimentFileStem(uri.fsPath),
      relativePath: vscode.workspace.asRelativePath(uri, true),
      text,
      summary,
      runsRoot,
      experimentDir: summary.name === null ? null : experimentRunsDir(runsRoot, summary.name),
      inWorkspace,
    });
  }

  private delete(uri: vscode.Uri): void {
    if (this.isOpen(uri.fsPath) || !this.entries.delete(uri.fsPath)) return;
    this.changeEmitter.fire([uri.fsPath]);
  }

  private documentOpened(document: vscode.TextDocument): void {
    if (isExperimentDocument(document) && !this.entries.has(document.uri.fsPath)) void this.reload(document.uri, false);
  }

  private documentChanged(document: vscode.TextDocument): void {
    if (!isExperimentDocument(document)) return;
    const path = document.uri.fsPath;
    this.typing.schedule(path, () => {
      this.update(document.uri, document.getText(), this.entries.get(path)?.inWorkspace ?? false);
      this.changeEmitter.fire([path]);
    });
  }

  private async documentClosed(document: vscode.TextDocument): Promise<void> {
    if (!isExperimentDocument(document)) return;
    const entry = this.entries.get(document.uri.fsPath);
    if (!entry) return;
    if (!entry.inWorkspace) {
      this.entries.delete(entry.path);
      this.changeEmitter.fire([entry.path]);
      return;
    }
    // Closing without saving: the file on disk is the truth again.
    await this.reload(document.uri, true);
  }
}

export function isExperimentDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && isExperimentFile(document.uri.fsPath);
}
