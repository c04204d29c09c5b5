// Where runs live: `<runs root>/<experiment name>/<run id>/`. The runs root is the
// `medtransfer.runsFolder` setting, or (empty) `runs/` beside the experiment file, the
// trainer CLI's own default, so runs started in a terminal and here land in the same place.
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RUN_ID_PATTERN } from '../../shared/run/runFiles';

export interface RunsRootInput {
  experimentFile: string;
  /** The `medtransfer.runsFolder` setting ('' for the default). */
  setting: string;
  /** The workspace folder holding the experiment file, if any. */
  workspaceFolder: string | undefined;
  home: string;
}

export function resolveRunsRoot({ experimentFile, setting, workspaceFolder, home }: RunsRootInput): string {
  const trimmed = setting.trim();
  if (trimmed === '') return join(dirname(experimentFile), 'runs');
  const base = workspaceFolder ?? dirname(experimentFile);
  let expanded = trimmed.replace(/\$\{workspaceFolder\}/g, base);
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\'))
    expanded = join(home, expanded.slice(1));
  return isAbsolute(expanded) ? resolve(expanded) : resolve(base, expanded);
}

/** The folder holding every run of one experiment. */
export function experimentRunsDir(runsRoot: string, experimentName: string): string {
  return join(runsRoot, experimentName);
}

/**
 * The run a path inside an experiment's runs folder belongs to: the run folder itself or any
 * file in it (`…/<run id>/events.jsonl`). Null for anything else.
 */
export function runOfPath(experimentDir: string, path: string): { runId: string; runDir: string } | null {
  const inside = relative(experimentDir, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  const runId = inside.split(sep)[0] ?? '';
  if (!RUN_ID_PATTERN.test(runId)) return null;
  return { runId, runDir: join(experimentDir, runId) };
}

export function isRunId(name: string): boolean {
  return RUN_ID_PATTERN.test(name);
}

/** Run ids sort by time; `-2`, `-3`… (same second) sort numerically after the plain id. Newest first. */
export function compareRunIdsNewestFirst(a: string, b: string): number {
  const [timeA = '', suffixA] = splitRunId(a);
  const [timeB = '', suffixB] = splitRunId(b);
  if (timeA !== timeB) return timeA < timeB ? 1 : -1;
  return suffixB - suffixA;
}

function splitRunId(id: string): [string, number] {
  const match = /^(\d{8}-\d{6})(?:-(\d+))?$/.exec(id);
  return match ? [match[1] ?? id, Number(match[2] ?? 1)] : [id, 0];
}

/** A run id for a run starting now, like the trainer's own (`20261124-101500`), free among `taken`. */
export function newRunId(now: Date, taken: ReadonlySet<string>): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const base =
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  if (!taken.has(base)) return base;
  for (let attempt = 2; ; attempt++) if (!taken.has(`${base}-${attempt}`)) return `${base}-${attempt}`;
}

/** The start time a run id encodes (local time), or null. */
export function runIdTime(runId: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(runId);
  if (!match) return null;
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(year, month - 1, day, hours, minutes, seconds);
}

/** `pneumonia-fewshot · 20261124-101500` */
export function runLabel(experimentName: string, runId: string): string {
  return `${experimentName} · ${runId}`;
}

/** The run id and experiment name a run folder's path encodes. */
export function describeRunDir(runDir: string): { experimentName: string; runId: string } {
  return { experimentName: basename(dirname(runDir)), runId: basename(runDir) };
}
