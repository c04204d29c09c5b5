// The `medtransfer study FILE` processes this window started, one per study file: forked from the
// bundled CLI with VS Code's runtime as plain Node (as the trainer is), their output passed on
// line by line. Stop sends SIGTERM to the study process, which stops its trainers after their
// current batch and records the study as stopped. No vscode here: tests run real children.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { errorMessage } from '../../shared/errors/errorMessage';
import { LineSplitter } from '../trainer/lineSplitter';
import { killsProcessGroups } from '../trainer/treeKill';
import { Emitter } from '../util/emitter';
import type { Disposable, Event } from '../util/emitter';

export interface StudyStart {
  studyFile: string;
  runsDir: string;
  /** `--resume`: skip the runs that ended, resume interrupted ones, start the rest. */
  resume: boolean;
  /** Extra CLI arguments (the backend flags the extension's settings give). */
  extraArgs?: readonly string[];
  /** The Node runtime (the medtransfer.nodePath setting); VS Code's own by default. */
  execPath?: string;
}

export interface StudyEnd {
  studyFile: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

export interface StudyProcessesOptions {
  cliPath: string;
  execPath?: string;
  output: (studyFile: string, line: string) => void;
}

/** The CLI arguments of one study run. */
export function studyArgs(start: StudyStart): string[] {
  return [
    'study',
    start.studyFile,
    '--runs-dir',
    start.runsDir,
    '--no-progress',
    ...(start.resume ? ['--resume'] : []),
    ...(start.extraArgs ?? []),
  ];
}

export class StudyProcesses implements Disposable {
  private readonly children = new Map<string, { child: ChildProcess; stopping: boolean }>();
  private readonly changeEmitter = new Emitter<string>();
  private readonly endEmitter = new Emitter<StudyEnd>();

  /** A study started, was asked to stop, or ended (its file). */
  readonly onDidChange: Event<string> = this.changeEmitter.event;
  readonly onDidEnd: Event<StudyEnd> = this.endEmitter.event;

  constructor(private readonly options: StudyProcessesOptions) {}

  isRunning(studyFile: string): boolean {
    return this.children.has(studyFile);
  }

  isStopping(studyFile: string): boolean {
    return this.children.get(studyFile)?.stopping ?? false;
  }

  /** False when this window already runs the study. */
  start(start: StudyStart): boolean {
    if (this.children.has(start.studyFile)) return false;
    let child: ChildProcess;
    try {
      child = fork(this.options.cliPath, studyArgs(start), {
        execPath: start.execPath ?? this.options.execPath ?? process.execPath,
        execArgv: [],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        // Its own process group, as a trainer: a study outlives the window that started it.
        detached: killsProcessGroups,
      });
    } catch (error) {
      this.endEmitter.fire({ studyFile: start.studyFile, code: null, signal: null, error: errorMessage(error) });
      return false;
    }
    this.children.set(start.studyFile, { child, stopping: false });
    for (const stream of [child.stdout, child.stderr]) {
      const splitter = new LineSplitter();
      stream?.on('data', (chunk: Buffer) => splitter.push(chunk).forEach((line) => this.output(start, line)));
      stream?.on('end', () => splitter.end().forEach((line) => this.output(start, line)));
    }
    let startError: string | undefined;
    child.on('error', (error) => {
      if (child.pid === undefined) startError = errorMessage(error);
      this.output(start, `[medtransfer] study process error: ${errorMessage(error)}`);
    });
    child.on('close', (code, signal) => {
      this.children.delete(start.studyFile);
      this.endEmitter.fire({ studyFile: start.studyFile, code, signal, ...(startError ? { error: startError } : {}) });
      this.changeEmitter.fire(start.studyFile);
    });
    this.changeEmitter.fire(start.studyFile);
    return true;
  }

  /** Asks the study to stop (its trainers save and stop after the current batch); false when none runs. */
  stop(studyFile: string): boolean {
    const running = this.children.get(studyFile);
    if (!running) return false;
    running.stopping = true;
    running.child.kill('SIGTERM');
    this.changeEmitter.fire(studyFile);
    return true;
  }

  /** The window closes: the studies go on (their runs are normal run folders the next window finds). */
  dispose(): void {
    for (const { child } of this.children.values()) {
      child.stdout?.removeAllListeners();
      child.stderr?.removeAllListeners();
      child.disconnect?.();
      child.unref();
    }
    this.children.clear();
    this.changeEmitter.dispose();
    this.endEmitter.dispose();
  }

  private output(start: StudyStart, line: string): void {
    this.options.output(start.studyFile, line);
  }
}
