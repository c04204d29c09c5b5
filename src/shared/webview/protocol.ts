// Messages between the extension host and its webviews (the dashboard panel and the Monitor
// view). The webview posts `ready` first; the host answers with a full snapshot, then appends
// batched live events. Names of host notifications are in the past tense (`did-…`).
// Both directions are validated: a webview is untrusted, and so is run data shown in it.
import { z } from 'zod';
import { trainerEventSchema } from '../run/events';
import { saliencyFileSchema } from '../run/saliency';
import { studyRecordSchema } from '../study/studyRecord';
import { untrustedInputProblem } from '../validation/untrustedInput';
import type { UntrustedLimits } from '../validation/untrustedInput';

/** Settings of a run flattened to dotted keys (`fineTune.strategy`), for the compare table. */
export const flatSettingsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type FlatSettings = z.infer<typeof flatSettingsSchema>;

export const runSnapshotSchema = z.object({
  /** Stable key of the run: its directory path. */
  key: z.string(),
  /** Short label, e.g. `pneumonia-fewshot · 20261124-101500`. */
  label: z.string(),
  settings: flatSettingsSchema,
  events: z.array(trainerEventSchema),
  /** Whether this VS Code window runs it (so it can be stopped from here). */
  controllable: z.boolean(),
  /** Paths the run reads or writes that lie outside the workspace folders (shown in the header). */
  outsideWorkspace: z.array(z.object({ what: z.string(), path: z.string() })).optional(),
  /** No run-ended and its trainer is gone (killed, power loss): the views show it interrupted. */
  trainerGone: z.boolean().optional(),
});
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;

const tableFields = {
  /** The experiment's or study's name (the title). */
  name: z.string(),
  /** Its file, relative to its workspace folder (shown). */
  file: z.string(),
  /** Its absolute path: what the host reopens the table from after a reload. */
  path: z.string(),
};

/**
 * A dashboard that shows its runs as a table instead of one run: all the runs of one experiment
 * file, or a study (its study.json beside: the points, the runs not started yet, the analysis).
 */
export const runTableSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('experiment'), ...tableFields }),
  z.object({ kind: z.literal('study'), ...tableFields, record: studyRecordSchema.nullable() }),
]);
export type RunTable = z.infer<typeof runTableSchema>;

export const hostMessageSchema = z.discriminatedUnion('type', [
  /** The whole state: the runs this view shows (one for a dashboard, several to compare). */
  /** With `table`, the dashboard shows the runs as an experiments table (a row a run). */
  z.object({ type: z.literal('did-load-runs'), runs: z.array(runSnapshotSchema), table: runTableSchema.optional() }),
  /** New events of one run, batched (the host posts at most ~10 times a second). */
  z.object({ type: z.literal('did-append-events'), key: z.string(), events: z.array(trainerEventSchema) }),
  /** Whether a run can be stopped from this window changed (it started or ended here). */
  z.object({ type: z.literal('did-change-controllable'), key: z.string(), controllable: z.boolean() }),
  /** A run's saliency.json (sent after the snapshot, and when a saliency event arrives). */
  z.object({ type: z.literal('did-load-saliency'), key: z.string(), saliency: saliencyFileSchema }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** The Explain panel ("Explain with model…"): one message with the run, the files' names and the maps. */
export const explainHostMessageSchema = z.object({
  type: z.literal('did-explain-images'),
  /** `experiment · run id` */
  run: z.string(),
  /** File names (base names), in the order of the saliency examples. */
  files: z.array(z.string()),
  saliency: saliencyFileSchema,
});
export type ExplainHostMessage = z.infer<typeof explainHostMessageSchema>;

/** The most runs a webview may ask to compare at once (the restored-dashboard limit too). */
export const MAX_COMPARED_RUNS = 64;

// Strict: a message with keys the host does not expect is not one of these.
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('stop-run'), key: z.string().max(4096) }),
  z.strictObject({ type: z.literal('reveal-run-folder'), key: z.string().max(4096) }),
  z.strictObject({ type: z.literal('open-dashboard'), key: z.string().max(4096) }),
  z.strictObject({ type: z.literal('export-report'), key: z.string().max(4096) }),
  /** From an experiments table: open these runs' Compare dashboard. */
  z.strictObject({
    type: z.literal('compare-runs'),
    keys: z.array(z.string().max(4096)).min(2).max(MAX_COMPARED_RUNS),
  }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** The largest message a webview may post: a type and run folder paths (a few dozen to compare). */
export const WEBVIEW_MESSAGE_LIMITS: UntrustedLimits = { maxBytes: 64 * 1024, maxDepth: 4 };

export type ParsedWebviewMessage = { ok: true; message: WebviewMessage } | { ok: false; reason: string };

/**
 * Checks a message a webview posted: size, depth and forbidden keys first, then the schema.
 * The message returned is the schema's fresh copy, never the object the webview sent.
 */
export function parseWebviewMessage(value: unknown): ParsedWebviewMessage {
  const problem = untrustedInputProblem(value, WEBVIEW_MESSAGE_LIMITS);
  if (problem !== null) return { ok: false, reason: `the message ${problem}` };
  const parsed = webviewMessageSchema.safeParse(value);
  if (!parsed.success) {
    const type =
      typeof value === 'object' && value !== null && 'type' in value ? (value as { type: unknown }).type : undefined;
    const known = webviewMessageSchema.options.some((option) => option.shape.type.value === type);
    return {
      ok: false,
      reason: known
        ? `not a valid ${String(type)} message (${parsed.error.issues[0]?.message ?? 'invalid'})`
        : 'unknown message type',
    };
  }
  return { ok: true, message: parsed.data };
}

export function isHostMessage(value: unknown): value is HostMessage {
  return hostMessageSchema.safeParse(value).success;
}

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  return webviewMessageSchema.safeParse(value).success;
}

/** Flattens a resolved experiment to dotted keys; arrays of scalars become `[28, 28, 1]`. */
export function flattenSettings(value: unknown, prefix = ''): FlatSettings {
  const flat: FlatSettings = {};
  if (value === null || typeof value !== 'object') {
    if (prefix) flat[prefix] = value === undefined ? null : (value as string | number | boolean | null);
    return flat;
  }
  if (Array.isArray(value)) {
    flat[prefix] = JSON.stringify(value);
    return flat;
  }
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'function' || typeof child === 'symbol' || typeof child === 'bigint') continue;
    Object.assign(flat, flattenSettings(child, prefix ? `${prefix}.${key}` : key));
  }
  return flat;
}
