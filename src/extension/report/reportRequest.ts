// The pure parts of Export Report: the CLI arguments and the files it writes.
export const REPORT_FILE_NAMES = { html: 'report.html', markdown: 'report.md' } as const;

export function reportArgs(runDir: string, outDir?: string): string[] {
  return outDir === undefined ? ['report', runDir] : ['report', runDir, '--out', outDir];
}
