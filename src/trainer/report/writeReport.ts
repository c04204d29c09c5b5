// `medtransfer report`: report.html and report.md, each replaced whole (shared/host/atomicFiles.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import { buildReport } from './buildReport';
import { readReportData } from './reportData';
import { renderHtml } from './renderHtml';
import { renderMarkdown } from './renderMarkdown';

export const REPORT_FILES = { html: 'report.html', markdown: 'report.md' } as const;

export function writeReport(runDir: string, outDir: string = runDir): { html: string; markdown: string } {
  const document = buildReport(readReportData(runDir));
  mkdirSync(outDir, { recursive: true });
  const html = join(outDir, REPORT_FILES.html);
  const markdown = join(outDir, REPORT_FILES.markdown);
  for (const [path, text] of [
    [html, renderHtml(document)],
    [markdown, renderMarkdown(document)],
  ] as const)
    writeFileAtomically(path, text);
  return { html, markdown };
}
