// Code lenses at the top of a study file: Run study (or Resume, or Stop while this window runs
// it) and Open study with its progress, refreshed as the study and its study.json change.
import * as vscode from 'vscode';
import { DisposableStore } from '../util/emitter';
import { throttle } from '../util/throttle';
import { isStudyFile } from './studyFiles';
import type { StudyIndex } from './studyIndex';
import { studyLenses } from './studyLensText';
import type { StudyLensAction } from './studyLensText';
import type { StudyProcesses } from './studyProcesses';

export const STUDY_DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.study.{yaml,yml,json}' },
];

export type StudyLensCommands = Readonly<Record<StudyLensAction, string>>;

export class StudyCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changeEmitter = this.disposables.add(new vscode.EventEmitter<void>());

  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(
    private readonly index: StudyIndex,
    private readonly processes: StudyProcesses,
    private readonly commands: StudyLensCommands,
  ) {
    const refresh = this.disposables.add(throttle(() => this.changeEmitter.fire(), 300));
    this.disposables.add(index.onDidChangeStudies(refresh));
    this.disposables.add(processes.onDidChange(refresh));
    this.disposables.add(vscode.workspace.onDidGrantWorkspaceTrust(refresh));
    this.disposables.add(vscode.languages.registerCodeLensProvider(STUDY_DOCUMENT_SELECTOR, this));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file' || !isStudyFile(document.uri.fsPath)) return [];
    const path = document.uri.fsPath;
    const entry = this.index.get(path);
    const specs = studyLenses({
      running: this.processes.isRunning(path),
      stopping: this.processes.isStopping(path),
      trusted: vscode.workspace.isTrusted,
      valid: entry?.summary.valid ?? false,
      runCount: entry?.summary.runCount ?? null,
      record: entry?.record ?? null,
    });
    const range = new vscode.Range(0, 0, 0, 0);
    return specs.map(
      (spec) =>
        new vscode.CodeLens(range, {
          title: spec.title,
          tooltip: spec.tooltip,
          command: this.commands[spec.action],
          arguments: spec.action === 'explain-restricted' ? [] : [document.uri],
        }),
    );
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
