// p-values as papers print them, one way for the CLI, the log, the report and the dashboard.

/** 3 decimals, `< 0.001` below that, `–` when there is none. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
