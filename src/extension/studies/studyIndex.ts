// The workspace's study files, kept current like the experiment index: found with a glob,
// followed by a file watcher and the editor buffer as the user types, and re-checked when an
// experiment file changes (a study's problems depend on its base). Each entry also holds the
// study's study.json as last read, re-read when it changes or a run of the study changes.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors/errorMessage';
import { STUDY_FILES, studyFolder } from '../../shared/host/studyFolder';
import type { BaseExperimentText } from '../../shared/study/checkStudyPoints';
import { parseStudyRecord } from '../../shared/study/studyRecord';
import type { StudyRecord } from '../../shared/study/studyRecord';
import { EXPERIMENT_SEARCH_EXCLUDE } from '../experiments/experimentFiles';
import { resolveRunsRoot } from '../runs/runPaths';
import { readSettings } from '../settings/settings';
import { DebouncePerKey } from '../util/debouncePerKey';
import { readDocumentText } from '../util/documentText';
import { DisposableStore } from '../util/emitter';
import type { Event } from '../util/emitter';
import { throttle } from '../util/throttle';
import { isStudyFile, STUDY_FILE_GLOB, STUDY_RECORD_GLOB, studyFileStem } from './studyFiles';
import { summarizeStudy } from './studySummary';
import type { StudySummary } from './studySummary';

export interface StudyEntry {
  readonly uri: vscode.Uri;
  readonly path: string;
  readonly stem: string;
  readonly relativePath: string;
  readonly text: string;
  readonly summary: StudySummary;
  /** Where its runs and its study folder go (the runs folder setting applied, as for experiments). */
  readonly runsRoot: string;
  readonly studyDir: string | null;
  /** study.json as last read; null before the study first ran (or when it is unreadable). */
  readonly record: StudyRecord | null;
}

const TYPING_DEBOUNCE_MS = 250;

export class StudyIndex implements vscode.Disposable {
  private readonly entries = new Map<string, StudyEntry>();
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<readonly string[]>());
  private readonly typing = this.disposables.add(new DebouncePerKey(TYPING_DEBOUNCE_MS));
  private loaded: Promise<void> | null = null;

  /** Fires with the paths of studies added, changed (their text or their study.json) or removed. */
  readonly onDidChangeStudies: vscode.Event<readonly string[]> = this.changeEmitter.event;

  constructor(
    private readonly log: (message: string) => void,
    experimentsChanged: Event<readonly string[]>,
    runsChanged: Event<unknown>,
  ) {
    const watcher = this.disposables.add(vscode.workspace.createFileSystemWatcher(STUDY_FILE_GLOB));
    this.disposables.add(watcher.onDidCreate((uri) => void this.reload(uri)));
    this.disposables.add(watcher.onDidChange((uri) => void this.reload(uri)));
    this.disposables.add(watcher.onDidDelete((uri) => this.delete(uri)));
    const records = this.disposables.add(vscode.workspace.createFileSystemWatcher(STUDY_RECORD_GLOB));
    // study.json is rewritten as each run starts and ends; runs outside the workspace reach
    // us through the run store instead of the watcher.
    const rereadRecords = this.disposables.add(throttle(() => this.rereadRecords(), 500));
    this.disposables.add(records.onDidCreate(rereadRecords));
    this.disposables.add(records.onDidChange(rereadRecords));
    this.disposables.add(runsChanged(rereadRecords));
    this.disposables.add(experimentsChanged(() => this.recheckAll()));
    this.disposables.add(vscode.workspace.onDidChangeTextDocument((event) => this.documentChanged(event.document)));
    this.disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshAll()));
  }

  ready(): Promise<void> {
    this.loaded ??= this.refreshAll();
    return this.loaded;
  }

  get all(): StudyEntry[] {
    return [...this.entries.values()].sort((a, b) => a.relativePath.localeCompare(b.relativePath));
  }

  get(path: string): StudyEntry | undefined {
    return this.entries.get(path);
  }

  async refreshAll(): Promise<void> {
    const found = await vscode.workspace.findFiles(STUDY_FILE_GLOB, EXPERIMENT_SEARCH_EXCLUDE);
    const paths = new Set(found.map((uri) => uri.fsPath));
    const removed = [...this.entries.keys()].filter((path) => !paths.has(path));
    for (const path of removed) this.entries.delete(path);
    await Promise.all(found.map((uri) => this.reload(uri, false)));
    this.changeEmitter.fire([...removed, ...paths]);
  }

  /** Reads study.json again (after a run of the study was started here, say). */
  rereadRecords(): void {
    const changed: string[] = [];
    for (const entry of this.entries.values()) {
      const record = readRecord(entry.studyDir);
      if (JSON.stringify(record) === JSON.stringify(entry.record)) continue;
      this.entries.set(entry.path, { ...entry, record });
      changed.push(entry.path);
    }
    if (changed.length > 0) this.changeEmitter.fire(changed);
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private recheckAll(): void {
    for (const entry of this.entries.values()) this.update(entry.uri, entry.text);
    if (this.entries.size > 0) this.changeEmitter.fire([...this.entries.keys()]);
  }

  private async reload(uri: vscode.Uri, fire = true): Promise<void> {
    if (uri.scheme !== 'file' || !isStudyFile(uri.fsPath)) return;
    try {
      this.update(uri, await readDocumentText(uri));
    } catch (error) {
      this.log(`could not read ${uri.fsPath}: ${errorMessage(error)}`);
      return;
    }
    if (fire) this.changeEmitter.fire([uri.fsPath]);
  }

  private update(uri: vscode.Uri, text: string): void {
    const summary = summarizeStudy(text, uri.fsPath, readBaseExperiment);
    const runsRoot = resolveRunsRoot({
      experimentFile: uri.fsPath,
      setting: readSettings(uri).runsFolder,
      workspaceFolder: vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath,
      home: homedir(),
    });
    const studyDir = summary.name === null ? null : studyFolder(runsRoot, summary.name);
    this.entries.set(uri.fsPath, {
      uri,
      path: uri.fsPath,
      stem: studyFileStem(uri.fsPath),
      relativePath: vscode.workspace.asRelativePath(uri, true),
      text,
      summary,
      runsRoot,
      studyDir,
      record: readRecord(studyDir),
    });
  }

  private delete(uri: vscode.Uri): void {
    if (this.entries.delete(uri.fsPath)) this.changeEmitter.fire([uri.fsPath]);
  }

  private documentChanged(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file' || !isStudyFile(document.uri.fsPath)) return;
    const path = document.uri.fsPath;
    this.typing.schedule(path, () => {
      this.update(document.uri, document.getText());
      this.changeEmitter.fire([path]);
    });
  }
}

/** The base experiment as the editor has it (unsaved changes included), else as on disk. */
function readBaseExperiment(path: string): BaseExperimentText {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === path);
  if (open) return { ok: true, text: open.getText() };
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
}

function readRecord(studyDir: string | null): StudyRecord | null {
  if (studyDir === null) return null;
  let text: string;
  try {
    text = readFileSync(join(studyDir, STUDY_FILES.record), 'utf8');
  } catch {
    return null;
  }
  const parsed = parseStudyRecord(text);
  return parsed.ok ? parsed.record : null;
}
