// Finds runs on disk: the run folders inside each tracked experiment's runs folder, whoever
// started them (this window, the CLI in a terminal, another machine on a shared folder).
// File watchers report changes quickly where they work; `poll()` catches up where they do not
// (network disks), cheaply: a directory listing per experiment and a stat per running run.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import { isRunId, runOfPath } from './runPaths';
import type { RunStore } from './runStore';

export type ListRunIds = (experimentDir: string) => Promise<string[]>;

/** Run folders directly inside an experiment's runs folder (none if it does not exist). */
export const listRunIdsOnDisk: ListRunIds = async (experimentDir) => {
  try {
    const entries = await readdir(experimentDir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory() && isRunId(entry.name)).map((entry) => entry.name);
  } catch {
    return [];
  }
};

export class RunDiscovery {
  private experimentDirs = new Set<string>();

  constructor(
    private readonly store: RunStore,
    private readonly listRunIds: ListRunIds = listRunIdsOnDisk,
  ) {}

  get trackedDirs(): ReadonlySet<string> {
    return this.experimentDirs;
  }

  /** The experiments' runs folders to follow; runs outside them are forgotten. */
  async track(experimentDirs: Iterable<string>): Promise<void> {
    this.experimentDirs = new Set(experimentDirs);
    for (const record of this.store.all()) {
      if (!record.controllable && !this.experimentDirs.has(dirname(record.runDir))) this.store.remove(record.key);
    }
    await this.scan();
  }

  /** Lists every tracked folder: adds new runs, drops deleted ones, reads what changed. */
  async scan(): Promise<void> {
    await Promise.all([...this.experimentDirs].map((dir) => this.scanDir(dir)));
  }

  /** A watcher saw `path` change: read the run it belongs to. */
  async pathChanged(path: string): Promise<void> {
    for (const dir of this.experimentDirs) {
      const run = runOfPath(dir, path);
      if (!run) continue;
      if (!this.store.has(run.runDir)) this.store.ensure(run.runDir);
      if (basename(path) === RUN_FILES.slurmJob) this.store.jobChanged(run.runDir);
      await this.store.refresh(run.runDir);
      return;
    }
  }

  /** A watcher saw `path` deleted: it may have been a run folder (or a whole runs folder). */
  async pathDeleted(path: string): Promise<void> {
    for (const dir of this.experimentDirs) {
      if (dir === path || dir.startsWith(path + '/') || dir.startsWith(path + '\\') || runOfPath(dir, path))
        await this.scanDir(dir);
    }
  }

  /** The polling fallback: look for new or deleted runs, and read the runs still going. */
  async poll(): Promise<void> {
    await this.scan();
  }

  private async scanDir(dir: string): Promise<void> {
    const onDisk = new Set((await this.listRunIds(dir)).map((runId) => join(dir, runId)));
    for (const record of this.store.all()) {
      if (dirname(record.runDir) === dir && !onDisk.has(record.runDir) && !record.controllable)
        this.store.remove(record.key);
    }
    const reads: Promise<void>[] = [];
    for (const runDir of onDisk) {
      const known = this.store.get(runDir);
      const record = known ?? this.store.ensure(runDir);
      // Finished runs do not change; new ones and running ones are read (a no-op when nothing was appended).
      if (!known || record.state.status === 'running') reads.push(this.store.refresh(runDir));
      // A submitted run not started yet: its job may have ended (slurm-job.json), where no watcher reaches.
      if (known && record.state.runId === null) this.store.jobChanged(runDir);
    }
    await Promise.all(reads);
  }
}
