// Which runs a dashboard showed before a reload. VS Code gives the serializer the panel's title
// and whatever state the webview saved; the host also remembers its open dashboards (workspace
// state), so a panel is matched to its runs even when the webview saved no keys.

export interface OpenDashboard {
  /** A random id per panel. */
  id: string;
  keys: string[];
  title: string;
}

const MAX_KEYS = 64;

/** Keys the webview saved (`{ keys: [...] }`), if it did. */
export function keysFromWebviewState(state: unknown): string[] | null {
  if (state === null || typeof state !== 'object' || !('keys' in state)) return null;
  const { keys } = state as { keys: unknown };
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) return null;
  return keys.every((key): key is string => typeof key === 'string' && key.length > 0 && key.length <= 4096)
    ? keys
    : null;
}

/** Parses what the host stored; drops anything malformed (an older version may have stored another shape). */
export function parseOpenDashboards(value: unknown): OpenDashboard[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (item === null || typeof item !== 'object') return [];
    const { id, keys, title } = item as Record<string, unknown>;
    const parsedKeys = keysFromWebviewState({ keys });
    return typeof id === 'string' && typeof title === 'string' && parsedKeys ? [{ id, keys: parsedKeys, title }] : [];
  });
}

/** The remembered dashboard a restored panel most likely was: same title first, else the oldest unclaimed. */
export function claimDashboard(
  open: readonly OpenDashboard[],
  claimed: ReadonlySet<string>,
  title: string,
): OpenDashboard | null {
  const unclaimed = open.filter((dashboard) => !claimed.has(dashboard.id));
  return unclaimed.find((dashboard) => dashboard.title === title) ?? unclaimed[0] ?? null;
}

/** One identity for a set of runs, so opening the same runs again reveals the open panel. */
export function dashboardKey(keys: readonly string[]): string {
  return [...new Set(keys)].sort().join('\n');
}
