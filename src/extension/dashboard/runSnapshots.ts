// A run as a webview first sees it: every event so far (read from events.jsonl, the source of
// truth, plus any live events the file does not have yet) and its resolved settings.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainerEvent } from '../../shared/run/events';
import { RUN_FILES } from '../../shared/run/runFiles';
import { flattenSettings } from '../../shared/webview/protocol';
import type { FlatSettings, RunSnapshot } from '../../shared/webview/protocol';
import { readAllEvents } from '../runs/eventsFileReader';
import { pathsOutsideWorkspace, runPaths } from './outsideWorkspace';
import { runLabel } from '../runs/runPaths';
import type { RunRecord } from '../runs/runStore';

/** `workspaceFolders`: paths outside them are listed in the snapshot (the run header shows them). */
export async function loadRunSnapshot(
  record: RunRecord,
  workspaceFolders: readonly string[] = [],
): Promise<RunSnapshot> {
  const [{ events }, settings] = await Promise.all([
    readAllEvents(join(record.runDir, RUN_FILES.events)),
    readSettings(record.runDir),
  ]);
  const merged = mergeEvents(events, record.recentEvents);
  const started = merged.find((event) => event.type === 'run-started');
  const experimentFile = started?.type === 'run-started' ? started.experimentFile : record.state.experimentFile;
  return {
    key: record.key,
    label: runLabel(record.experimentName, record.runId),
    settings,
    events: merged,
    controllable: record.controllable,
    trainerGone: record.trainerGone,
    outsideWorkspace: pathsOutsideWorkspace(runPaths(record.runDir, experimentFile, settings), workspaceFolders),
  };
}

/** File events, then live ones past the file's end; strictly increasing `seq` (doubles dropped). */
export function mergeEvents(fromFile: readonly TrainerEvent[], live: readonly TrainerEvent[]): TrainerEvent[] {
  const merged: TrainerEvent[] = [];
  let lastSeq = -1;
  for (const event of [...fromFile, ...live]) {
    if (event.seq <= lastSeq) continue;
    merged.push(event);
    lastSeq = event.seq;
  }
  return merged;
}

async function readSettings(runDir: string): Promise<FlatSettings> {
  try {
    const value: unknown = JSON.parse(await readFile(join(runDir, RUN_FILES.experiment), 'utf8'));
    return flattenSettings(value);
  } catch {
    // Not written yet (the run is starting) or unreadable: the views show no settings.
    return {};
  }
}
