// Messages between the extension host and its webviews (the dashboard panel and the Monitor
// view). The webview posts `ready` first; the host answers with a full snapshot, then appends
// batched live events. Names of host notifications are in the past tense (`did-…`).
// Both directions are validated: a webview is untrusted, and so is run data shown in it.
import { z } from 'zod';
import { trainerEventSchema } from '../run/events';

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
});
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;

export const hostMessageSchema = z.discriminatedUnion('type', [
  /** The whole state: the runs this view shows (one for a dashboard, several to compare). */
  z.object({ type: z.literal('did-load-runs'), runs: z.array(runSnapshotSchema) }),
  /** New events of one run, batched (the host posts at most ~10 times a second). */
  z.object({ type: z.literal('did-append-events'), key: z.string(), events: z.array(trainerEventSchema) }),
  /** Whether a run can be stopped from this window changed (it started or ended here). */
  z.object({ type: z.literal('did-change-controllable'), key: z.string(), controllable: z.boolean() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('stop-run'), key: z.string().max(4096) }),
  z.object({ type: z.literal('reveal-run-folder'), key: z.string().max(4096) }),
  z.object({ type: z.literal('open-dashboard'), key: z.string().max(4096) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

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
