// The pure parts of Export Report: the CLI arguments and the files it writes.
import { trainerCommandLine } from '../../shared/host/trainerCommandLine';

export const REPORT_FILE_NAMES = { html: 'report.html', markdown: 'report.md' } as const;

export function reportArgs(runDir: string, outDir?: string): string[] {
  return trainerCommandLine({
    command: 'report',
    positionals: [runDir],
    flags: outDir === undefined ? {} : { out: outDir },
  });
}
