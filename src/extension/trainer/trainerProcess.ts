// One trainer child process: forked with an IPC channel, typed messages both ways, stopped
// politely then firmly, and killed with its whole process tree on dispose (as vscode-dvc's
// process wrapper does). It imports no `vscode`, so tests run it against real child scripts.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { RunEndedEvent, TrainerEvent } from '../../shared/run/events';
import type { TrainerCommand } from '../../shared/run/trainerProtocol';
import { Emitter } from '../util/emitter';
import type { Disposable, Event } from '../util/emitter';
import { LineSplitter } from './lineSplitter';
import { parseTrainerMessage } from './trainerMessages';
import { killsProcessGroups, signalProcessTree } from './treeKill';
import { errorMessage } from '../../shared/errors/errorMessage';

export interface TrainerProcessOptions {
  /** The trainer's entry script: the extension's bundled `dist/cli.js`. */
  modulePath: string;
  args: readonly string[];
  /** The Node runtime; by default this process's own (VS Code's, run as Node). */
  execPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** After `stop`, how long the trainer may take to end its batch and save before SIGTERM. */
  stopGraceMs?: number;
  /** After SIGTERM, how long before SIGKILL. */
  terminateGraceMs?: number;
  /** After the process exited, how long to wait for its output streams to close. */
  closeGraceMs?: number;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether stop() was called before it exited. */
  stopRequested: boolean;
  /** The strongest signal this wrapper had to send; null when the trainer ended by itself. */
  escalation: 'SIGTERM' | 'SIGKILL' | null;
  /** The trainer's own `run-ended` event, if it sent one. */
  runEnded: RunEndedEvent | null;
  /** The last non-empty lines of stderr. */
  stderrTail: string[];
  /** Why the process could not be started at all (a wrong Node path…), else null. */
  spawnError: string | null;
}

export interface TrainerOutputLine {
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface DroppedMessage {
  message: unknown;
  reason: string;
}

export const DEFAULT_STOP_GRACE_MS = 20_000;
export const DEFAULT_TERMINATE_GRACE_MS = 5_000;
const STDERR_TAIL_LINES = 20;

type ProcessState = 'idle' | 'running' | 'exited' | 'detached';

export class TrainerProcess implements Disposable {
  private readonly startedEmitter = new Emitter<{ pid: number }>();
  private readonly eventEmitter = new Emitter<TrainerEvent>();
  private readonly outputEmitter = new Emitter<TrainerOutputLine>();
  private readonly droppedEmitter = new Emitter<DroppedMessage>();
  private readonly exitEmitter = new Emitter<TrainerExit>();

  readonly onDidStart: Event<{ pid: number }> = this.startedEmitter.event;
  /** Every valid TrainerEvent the child sent. */
  readonly onDidEvent: Event<TrainerEvent> = this.eventEmitter.event;
  readonly onDidOutput: Event<TrainerOutputLine> = this.outputEmitter.event;
  /** A message from the child that failed validation (logged by the owner, never used). */
  readonly onDidDropMessage: Event<DroppedMessage> = this.droppedEmitter.event;
  readonly onDidExit: Event<TrainerExit> = this.exitEmitter.event;

  /** Settles once the process has exited (or could not start). */
  readonly exited: Promise<TrainerExit>;

  private resolveExited: (exit: TrainerExit) => void = () => undefined;
  private state: ProcessState = 'idle';
  private child: ChildProcess | null = null;
  private stopRequested = false;
  private escalation: TrainerExit['escalation'] = null;
  private runEnded: RunEndedEvent | null = null;
  private readonly stderrTail: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(private readonly options: TrainerProcessOptions) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get stopping(): boolean {
    return this.stopRequested && this.state === 'running';
  }

  start(): void {
    if (this.state !== 'idle') throw new Error('a trainer process starts only once');
    this.state = 'running';
    let child: ChildProcess;
    try {
      child = fork(this.options.modulePath, [...this.options.args], {
        execPath: this.options.execPath ?? process.execPath,
        // fork() passes on this process's own flags by default; the extension host's (an
        // inspector port when debugging, loaders) are not the trainer's business.
        execArgv: [],
        cwd: this.options.cwd,
        // VS Code's runtime is Electron: this makes it behave as plain Node.
        env: { ...(this.options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
        detached: killsProcessGroups,
      });
    } catch (error) {
      this.finish({ code: null, signal: null }, errorMessage(error));
      return;
    }
    this.child = child;
    this.pipeLines(child, 'stdout');
    this.pipeLines(child, 'stderr');
    child.on('message', (message: unknown) => this.receive(message));
    child.on('error', (error) => {
      // Emitted when the spawn failed (no pid), and for failed kills or sends on a live child.
      if (child.pid === undefined) this.finish({ code: null, signal: null }, errorMessage(error));
      else
        this.outputEmitter.fire({
          stream: 'stderr',
          line: `[medtransfer] trainer process error: ${errorMessage(error)}`,
        });
    });
    child.on('exit', (code, signal) => {
      this.exitStatus = { code, signal };
      this.clearTimers();
      // Output may still be in the pipes: finish on 'close', or soon after if a grandchild holds them.
      this.schedule(this.options.closeGraceMs ?? 1_000, () => this.finish({ code, signal }, null));
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      this.finish(this.exitStatus ?? { code, signal }, null);
    });
    if (child.pid !== undefined) this.startedEmitter.fire({ pid: child.pid });
  }

  /**
   * Asks the trainer to stop after its current batch and save (the `stop` message); SIGTERM after
   * a grace period (the trainer treats it the same), then SIGKILL. Settles when it has exited.
   */
  stop(): Promise<TrainerExit> {
    if (this.state === 'idle') {
      this.stopRequested = true;
      this.finish({ code: null, signal: null }, null);
    }
    if (this.state !== 'running' || this.stopRequested) return this.exited;
    this.stopRequested = true;
    const sent = this.send({ type: 'stop' });
    const stopGraceMs = sent ? (this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS) : 0;
    this.schedule(stopGraceMs, () => {
      this.signal('SIGTERM');
      this.schedule(this.options.terminateGraceMs ?? DEFAULT_TERMINATE_GRACE_MS, () => this.signal('SIGKILL'));
    });
    return this.exited;
  }

  /** Ends the trainer and its children now (SIGKILL), without waiting for a save. */
  kill(): void {
    if (this.state === 'running') this.signal('SIGKILL');
  }

  /**
   * Lets the trainer run on without this host (the window reloads or closes: hours of training
   * must not end with it). The IPC channel and the pipes are closed, the child is unref'd so
   * this process can exit; the trainer keeps writing its run folder, which a new window follows.
   * No further events are fired and dispose() no longer kills it. Returns the pid, if it runs.
   */
  detach(): number | null {
    const child = this.child;
    if (this.state !== 'running' || child === null) return null;
    this.state = 'detached';
    this.clearTimers();
    child.removeAllListeners();
    // A late 'error' (a write to a closed pipe) must not become an uncaught exception here.
    child.on('error', () => undefined);
    try {
      if (child.connected) child.disconnect();
    } catch {
      // Already disconnected.
    }
    for (const stream of [child.stdout, child.stderr]) {
      stream?.removeAllListeners();
      stream?.destroy();
    }
    child.unref();
    return child.pid ?? null;
  }

  /** Kills a live trainer tree; no further events are fired. */
  dispose(): void {
    this.kill();
    this.clearTimers();
    for (const emitter of [
      this.startedEmitter,
      this.eventEmitter,
      this.outputEmitter,
      this.droppedEmitter,
      this.exitEmitter,
    ])
      emitter.dispose();
  }

  private send(command: TrainerCommand): boolean {
    const child = this.child;
    if (!child?.connected) return false;
    try {
      return child.send(command, (error) => {
        if (error)
          this.outputEmitter.fire({
            stream: 'stderr',
            line: `[medtransfer] could not send ${command.type}: ${error.message}`,
          });
      });
    } catch {
      return false;
    }
  }

  private signal(signal: 'SIGTERM' | 'SIGKILL'): void {
    const pid = this.child?.pid;
    if (this.state !== 'running' || pid === undefined) return;
    if (this.escalation !== 'SIGKILL') this.escalation = signal;
    signalProcessTree(pid, signal);
  }

  private receive(message: unknown): void {
    const parsed = parseTrainerMessage(message);
    if (!parsed.ok) {
      this.droppedEmitter.fire({ message, reason: parsed.reason });
      return;
    }
    if (parsed.event.type === 'run-ended') this.runEnded = parsed.event;
    this.eventEmitter.fire(parsed.event);
  }

  private pipeLines(child: ChildProcess, stream: 'stdout' | 'stderr'): void {
    const splitter = new LineSplitter();
    const emit = (line: string) => {
      if (stream === 'stderr' && line.trim() !== '') {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      }
      this.outputEmitter.fire({ stream, line });
    };
    const source = child[stream];
    source?.on('data', (chunk: Buffer) => splitter.push(chunk).forEach(emit));
    source?.on('end', () => splitter.end().forEach(emit));
  }

  private schedule(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private finish(status: { code: number | null; signal: NodeJS.Signals | null }, spawnError: string | null): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.clearTimers();
    const exit: TrainerExit = {
      ...status,
      stopRequested: this.stopRequested,
      escalation: this.escalation,
      runEnded: this.runEnded,
      stderrTail: [...this.stderrTail],
      spawnError,
    };
    this.exitEmitter.fire(exit);
    this.resolveExited(exit);
  }
}
