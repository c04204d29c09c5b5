// One trainer at a time per run folder. `medtransfer run` and `medtransfer resume` hold
// `<run>/trainer.lock` while they write the run, so two resumes started together cannot both
// train and interleave events.jsonl. The lock file holds its owner (pid, start, machine: see
// processIdentity.ts). It is made under a temporary name and linked into place, so it appears
// whole or not at all (link fails when the name exists, also on NFS), and it is removed on every
// way out: the command's end, an exception, a second Ctrl-C (process.exit), and a signal that
// would end the process while no stop handler runs.
//
// A lock whose owner is dead (gone, its pid taken by another process, the machine rebooted) is
// broken by the next trainer. A lock from another machine or container is never broken here:
// this machine cannot see its processes, so it cannot be sure; the refusal names the lock file
// to delete by hand. Breaking happens under a second lock (`trainer.lock.break`, the way
// Mercurial breaks its locks), so two trainers that find the same dead owner cannot both win:
// each removes the lock only if it still holds the content it judged dead.
import { linkSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { hostIdentitySchema } from '../run/hostIdentity';
import { RUN_FILES } from '../run/runFiles';
import { temporaryNameFor, writeFileDurably } from './atomicFiles';
import { processPresence, thisProcess } from './processIdentity';
import type { ProcessPresence } from './processIdentity';
import { describeHost } from './thisHost';

const lockOwnerSchema = z.object({
  pid: z.number().int(),
  startTicks: z.number().int().nullable(),
  host: hostIdentitySchema,
  /** What the owner does with the run; `break`: it is breaking a dead owner's lock. */
  command: z.enum(['run', 'resume', 'break']),
  /** When it took the lock (ISO). */
  since: z.string(),
});
export type RunLockOwner = z.infer<typeof lockOwnerSchema>;

export type RunLockAttempt =
  | { kind: 'acquired'; lock: RunLock }
  /** `owner` null: the file is no lock this version can read. `presence`: never `dead` (that one is broken). */
  | { kind: 'held'; path: string; owner: RunLockOwner | null; presence: Exclude<ProcessPresence, 'dead'> };

/** Locks of locks: trainer.lock, trainer.lock.break, trainer.lock.break.break; deeper, give up. */
const MAX_DEPTH = 2;
const ATTEMPTS = 6;
const PAUSE_MS = 25;
/** Signals that end a process by default: the lock goes first (a stop handler, when there is one, ends the run). */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function runLockPath(runDir: string): string {
  return join(runDir, RUN_FILES.lock);
}

/** Takes the run folder's lock for `command`, or says who holds it. */
export function acquireRunLock(runDir: string, command: 'run' | 'resume'): RunLockAttempt {
  const path = runLockPath(runDir);
  const text = ownerText(command);
  const taken = take(path, text, 0);
  return taken.kind === 'acquired' ? { kind: 'acquired', lock: new RunLock(path, text) } : { ...taken, path };
}

export class RunLock {
  private released = false;
  private readonly onExit = (): void => this.release();
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    // Someone else handles it (the trainer's stop: it ends the run and then releases the lock).
    if (process.listenerCount(signal) > 1) return;
    this.release();
    // The signal's own ending, as if nobody had listened.
    process.kill(process.pid, signal);
  };

  constructor(
    readonly path: string,
    private readonly text: string,
  ) {
    process.on('exit', this.onExit);
    for (const signal of ENDING_SIGNALS) process.on(signal, this.onSignal);
  }

  /** Removes the lock file if it is still this lock. Safe to call more than once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    for (const signal of ENDING_SIGNALS) process.off(signal, this.onSignal);
    if (readText(this.path) === this.text) rmSync(this.path, { force: true });
  }
}

/** Who holds the lock, in a clause for `cannot resume RUN: …`. */
export function describeLockHolder(held: Extract<RunLockAttempt, { kind: 'held' }>): string {
  const { owner, path, presence } = held;
  if (owner === null)
    return (
      `its lock file ${path} is not one this version of MedTransfer can read; ` +
      'if no trainer runs this run, delete it'
    );
  const since = owner.since.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const what = `\`medtransfer ${owner.command === 'break' ? 'run or resume' : owner.command}\``;
  if (presence === 'alive')
    return (
      `another trainer is running it: pid ${owner.pid} (${what}, since ${since}); ` +
      `wait for it to end, or stop it (Ctrl-C in its terminal, Stop in VS Code, or SIGTERM to pid ${owner.pid})`
    );
  return (
    `it is locked by a trainer on ${describeHost(owner.host)} (pid ${owner.pid}, ${what}, since ${since}), ` +
    `which this machine cannot check; if no trainer runs it there any more, delete ${path}`
  );
}

type Taken = { kind: 'acquired' } | Omit<Extract<RunLockAttempt, { kind: 'held' }>, 'path'>;

function take(path: string, text: string, depth: number): Taken {
  let last: Taken = { kind: 'held', owner: null, presence: 'unknown' };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createExclusive(path, text)) return { kind: 'acquired' };
    const held = readText(path);
    // Released between the two looks: try again.
    if (held === null) continue;
    const owner = parseOwner(held);
    const presence = owner === null ? 'unknown' : processPresence(owner, owner.since);
    if (presence !== 'dead') return { kind: 'held', owner, presence };
    last = { kind: 'held', owner, presence: 'unknown' };
    if (depth >= MAX_DEPTH || !breakDeadLock(path, held, depth)) pause(PAUSE_MS);
  }
  return last;
}

/** Removes the lock if it still holds `deadText`, under the `.break` lock; false when another is breaking it. */
function breakDeadLock(path: string, deadText: string, depth: number): boolean {
  const guardPath = `${path}.break`;
  const guardText = ownerText('break');
  if (take(guardPath, guardText, depth + 1).kind !== 'acquired') return false;
  try {
    if (readText(path) === deadText) rmSync(path, { force: true });
  } finally {
    if (readText(guardPath) === guardText) rmSync(guardPath, { force: true });
  }
  return true;
}

/** Creates `path` holding `text`, whole, unless it exists. */
function createExclusive(path: string, text: string): boolean {
  const temporary = temporaryNameFor(path);
  try {
    writeFileDurably(temporary, text);
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function ownerText(command: RunLockOwner['command']): string {
  const owner: RunLockOwner = { ...thisProcess(), command, since: new Date().toISOString() };
  return `${JSON.stringify(owner)}\n`;
}

function parseOwner(text: string): RunLockOwner | null {
  try {
    const parsed = lockOwnerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
