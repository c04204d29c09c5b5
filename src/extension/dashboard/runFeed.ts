// The run store as webviews consume it: snapshots of the runs asked for, then live appends.
// A run the store has not found yet (a dashboard restored while the first scan still runs) is
// read straight from its folder.
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { RUN_FILES } from '../../shared/run/runFiles';
import { emptyRunState } from '../../shared/run/runState';
import type { RunSnapshot } from '../../shared/webview/protocol';
import { readSaliencyFile } from '../explain/readSaliencyFile';
import { describeRunDir, isRunId } from '../runs/runPaths';
import type { RunRecord, RunStore } from '../runs/runStore';
import type { RunFeed } from './runWebviewSession';
import { loadRunSnapshot } from './runSnapshots';

/**
 * `workspaceFolders`: the folders now open (paths outside them are marked in the run header).
 * `withSaliency`: also serve saliency.json (dashboards show it; the Monitor does not).
 */
export function createRunFeed(
  store: RunStore,
  workspaceFolders: () => readonly string[] = () => [],
  options: { withSaliency?: boolean } = {},
): RunFeed {
  const feed: RunFeed = {
    async snapshot(keys) {
      const records = keys.flatMap((key) => {
        const record = store.get(key) ?? recordOnDisk(key);
        return record ? [record] : [];
      });
      const snapshots: RunSnapshot[] = await Promise.all(
        records.map((record) => loadRunSnapshot(record, workspaceFolders())),
      );
      return snapshots;
    },
    onDidAppendEvents: store.onDidAppendEvents,
    onDidChangeControllable: store.onDidChangeControllable,
  };
  if (options.withSaliency)
    feed.saliency = (key) => readSaliencyFile((store.get(key) ?? recordOnDisk(key))?.runDir ?? key);
  return feed;
}

function recordOnDisk(key: string): RunRecord | null {
  if (!isAbsolute(key) || !isRunId(basename(key)) || !existsSync(join(key, RUN_FILES.events))) return null;
  return {
    key,
    runDir: key,
    ...describeRunDir(key),
    state: emptyRunState(),
    controllable: false,
    trainerGone: false,
    lastEventAt: null,
    recentEvents: [],
  };
}
