// Runs a study: every point × seed as its own trainer process (`medtransfer run BASE --study FILE
// --point P --seed S`, or `medtransfer resume RUN_DIR` for a run to continue), at most
// `maxParallel` at once, first come first served (the extension's RunQueue). A run that fails
// does not stop the others. study.json is rewritten, with a fresh analysis, whenever a run
// starts or ends.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { trainerCommandLine } from '../../shared/host/trainerCommandLine';
import type { TrainerRequest } from '../../shared/host/trainerCommandLine';
import type { StudyRecord, StudyRunRecord } from '../../shared/study/studyRecord';
import { RunQueue } from '../../shared/run/runQueue';
import { timestampRunId } from '../run/runDirectory';
import type { StopSignal } from '../training/stopSignal';
import type { ProgressMode } from '../cli/runEvents';
import type { LoadedStudy } from './loadStudyFile';
import { readRunFolderOutcome } from './runFolderOutcome';
import { refreshRun, saveStudyRecord } from './studyRecordFile';

export interface StudyRunnerRequest {
  loaded: LoadedStudy;
  record: StudyRecord;
  studyDir: string;
  runsDir: string;
  maxParallel: number;
  /** The CLI script the runs are started with (this process's own). */
  cli: string;
  backend: string | undefined;
  backendPaths: readonly string[];
  progress: ProgressMode;
  stop: StopSignal;
  /** Progress lines (`p1 seed 1 completed …`) and the runs' own lines. */
  log: (line: string) => void;
}

interface Task {
  index: number;
  /**
   * `new`: start a run in a new folder; `resume`: continue the run from its checkpoint; `wait`: its
   * trainer still runs (the study's process was killed alone, and --resume found it): wait for it.
   */
  kind: 'new' | 'resume' | 'wait';
}

/** How often a run whose trainer is not ours is looked at. */
const WAIT_POLL_MS = 2000;

/** Runs what is left of the study; returns its final record. */
export async function runStudy(request: StudyRunnerRequest): Promise<StudyRecord> {
  const { loaded, studyDir } = request;
  mkdirSync(studyDir, { recursive: true });
  let record = saveStudyRecord(studyDir, request.record);
  const tasks = record.runs.flatMap((run, index): Task[] => {
    if (run.status === 'completed' || run.status === 'failed') return [];
    if (run.status === 'running') return [{ index, kind: 'wait' }];
    const resume = run.runDir !== null && run.status === 'stopped' && readRunFolderOutcome(run.runDir).hasCheckpoint;
    return [{ index, kind: resume ? 'resume' : 'new' }];
  });
  const total = record.runs.length;
  const done = () => record.runs.filter((run) => run.status === 'completed' || run.status === 'failed').length;
  const skipped = total - tasks.length;
  if (skipped > 0) request.log(`medtransfer: ${skipped} of ${total} runs already ended; ${tasks.length} to run`);

  const update = (index: number, run: StudyRunRecord) => {
    record = saveStudyRecord(studyDir, { ...record, runs: record.runs.map((old, i) => (i === index ? run : old)) });
  };
  const children = new Set<ReturnType<typeof spawn>>();
  const allocated = new Set<string>();
  // Ctrl-C reaches the runs itself (they share the terminal's process group); another stop is passed on.
  let forwarded = false;
  const stopWatch = setInterval(() => {
    if (!request.stop.requested || forwarded) return;
    forwarded = true;
    if (request.stop.why !== 'Ctrl-C') for (const child of children) child.kill('SIGTERM');
  }, 200);

  const runTask = async (task: Task): Promise<void> => {
    const before = record.runs[task.index];
    if (before === undefined) return;
    const point = loaded.points.find((candidate) => candidate.id === before.point);
    const name = `${before.point} seed ${before.seed}${point ? ` (${point.label})` : ''}`;
    let run: StudyRunRecord = before;
    if (task.kind === 'new') {
      const runId = freeRunId(join(request.runsDir, loaded.experimentName), allocated);
      run = { ...before, runId, runDir: join(request.runsDir, loaded.experimentName, runId), status: 'running' };
    } else run = { ...before, status: 'running' };
    update(task.index, run);
    const verb = { new: 'starting', resume: 'resuming', wait: 'waiting for the trainer still running' }[task.kind];
    request.log(`medtransfer: ${verb} ${name} → ${run.runDir}`);
    let code: number | null = null;
    let lastLines: string[] = [];
    if (task.kind !== 'wait') {
      const childRequest = task.kind === 'resume' ? resumeRequest(run, request) : newRunRequest(run, request);
      ({ code, lastLines } = await runChild(request.cli, trainerCommandLine(childRequest), children, (line) => {
        if (request.progress === 'lines') request.log(`[${before.point} seed ${before.seed}] ${line}`);
      }));
    }
    // A trainer not ours runs it (found by --resume, or resume refused for it): it ends it.
    while (refreshRun(run).status === 'running' && !request.stop.requested)
      await new Promise((resolveWait) => setTimeout(resolveWait, WAIT_POLL_MS));
    let ended = refreshRun(run);
    if (ended.status === 'pending') {
      // It never started (refused, a backend that would not start): say what it said.
      const said = lastLines.at(-1) ?? `the trainer exited with code ${code ?? 'null'}`;
      ended = { ...ended, status: 'failed', errorKind: code === 4 ? 'backend' : 'experiment', error: said };
    }
    update(task.index, ended);
    const auc = (model: 'fine-tuned' | 'scratch') =>
      readRunFolderOutcome(ended.runDir ?? '').metrics?.models[model]?.auc?.toFixed(3) ?? '–';
    const what =
      ended.status === 'completed'
        ? `completed in ${Math.round(ended.seconds ?? 0)} s ` +
          `(AUC fine-tuned ${auc('fine-tuned')}, scratch ${auc('scratch')})`
        : ended.status === 'failed'
          ? `failed (${ended.errorKind ?? 'unknown'}): ${ended.error ?? ''}`
          : `stopped${ended.errorKind === 'interrupted' ? ' (interrupted)' : ''}`;
    request.log(`medtransfer: ${name} ${what} [${done()} of ${total} ended]`);
  };

  // The extension's queue: first come first served, at most maxParallel trainers. Each run waits
  // under its own key (its point and seed): they all share one experiment file.
  const queue = new RunQueue();
  const byKey = new Map<string, Task>();
  const running = new Set<Promise<void>>();
  const start = (task: Task | undefined) => {
    if (task === undefined) return;
    const promise: Promise<void> = runTask(task).finally(() => running.delete(promise));
    running.add(promise);
  };
  try {
    for (const task of tasks) {
      const run = record.runs[task.index];
      const key = `${loaded.file}#${run?.point ?? ''}/${run?.seed ?? ''}`;
      byKey.set(key, task);
      if (queue.request(key, running.size, request.maxParallel, Date.now()).kind === 'start') start(task);
    }
    while (running.size > 0) {
      await Promise.race(running);
      if (request.stop.requested) queue.clear();
      for (const next of queue.takeStartable(running.size, request.maxParallel)) start(byKey.get(next.experimentFile));
    }
  } finally {
    clearInterval(stopWatch);
  }
  const unfinished = record.runs.some((run) => run.status !== 'completed' && run.status !== 'failed');
  const status = unfinished ? 'stopped' : record.runs.some((run) => run.status === 'failed') ? 'failed' : 'completed';
  record = saveStudyRecord(studyDir, { ...record, status, pid: null });
  return record;
}

function newRunRequest(run: StudyRunRecord, request: StudyRunnerRequest): TrainerRequest {
  return {
    command: 'run',
    positionals: [request.loaded.experimentFile],
    flags: {
      'runs-dir': request.runsDir,
      'run-id': run.runId ?? undefined,
      study: request.loaded.file,
      point: run.point,
      seed: String(run.seed),
      ...childFlags(request),
    },
  };
}

function resumeRequest(run: StudyRunRecord, request: StudyRunnerRequest): TrainerRequest {
  return { command: 'resume', positionals: [run.runDir ?? ''], flags: childFlags(request) };
}

function childFlags(request: StudyRunnerRequest) {
  return {
    ...(request.backend === undefined ? {} : { backend: request.backend }),
    ...(request.backendPaths.length > 0 ? { 'backend-path': [...request.backendPaths] } : {}),
    ...(request.progress === 'lines' ? { 'no-progress': true as const } : { quiet: true as const }),
  };
}

/** A timestamp run id no folder has and no other run of this study was given. */
export function freeRunId(experimentDir: string, allocated: Set<string>): string {
  const base = timestampRunId(new Date());
  for (let attempt = 1; ; attempt++) {
    const runId = attempt === 1 ? base : `${base}-${attempt}`;
    if (!allocated.has(runId) && !existsSync(join(experimentDir, runId))) {
      allocated.add(runId);
      return runId;
    }
  }
}

/** Runs the CLI with `args`; its stderr lines go to `line`, the last few are kept for a failure message. */
function runChild(
  cli: string,
  args: string[],
  children: Set<ReturnType<typeof spawn>>,
  line: (text: string) => void,
): Promise<{ code: number | null; lastLines: string[] }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    const lastLines: string[] = [];
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) {
        if (text.trim() === '') continue;
        lastLines.push(text);
        if (lastLines.length > 5) lastLines.shift();
        line(text);
      }
    });
    let finished = false;
    const finish = (code: number | null) => {
      if (finished) return;
      finished = true;
      children.delete(child);
      if (pending.trim() !== '') {
        lastLines.push(pending);
        line(pending);
      }
      resolvePromise({ code, lastLines });
    };
    child.on('error', () => finish(null));
    child.on('close', (code) => finish(code));
  });
}
