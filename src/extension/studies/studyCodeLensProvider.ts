// Code lenses at the top of a study file: Run study (or Resume, or Stop while this window runs
// it) and Open study with its progress, refreshed as the study and its study.json change.
import * as vscode from 'vscode';
import { TopOfFileLensProvider } from '../codeLens/topOfFileLensProvider';
import type { TopLens } from '../codeLens/topOfFileLensProvider';
import { isStudyFile } from './studyFiles';
import type { StudyIndex } from './studyIndex';
import { studyLenses } from './studyLensText';
import type { StudyLensAction } from './studyLensText';
import type { StudyProcesses } from './studyProcesses';

export const STUDY_DOCUMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.study.{yaml,yml,json}' },
];

export type StudyLensCommands = Readonly<Record<StudyLensAction, string>>;

export class StudyCodeLensProvider extends TopOfFileLensProvider {
  constructor(
    private readonly index: StudyIndex,
    private readonly processes: StudyProcesses,
    private readonly commands: StudyLensCommands,
  ) {
    super();
    this.register(STUDY_DOCUMENT_SELECTOR, [index.onDidChangeStudies, processes.onDidChange], 300);
  }

  protected lenses(document: vscode.TextDocument): TopLens[] {
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
    return specs.map((spec) => ({
      title: spec.title,
      tooltip: spec.tooltip,
      command: this.commands[spec.action],
      arguments: spec.action === 'explain-restricted' ? [] : [document.uri],
    }));
  }
}
