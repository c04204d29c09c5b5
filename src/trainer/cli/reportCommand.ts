// `medtransfer report RUN_DIR|STUDY_DIR [--out DIR]`: writes report.html and report.md.
import { resolve } from 'node:path';
import { isStudyFolder, writeStudyReport } from '../report/studyReport';
import { writeReport } from '../report/writeReport';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { Output } from './commands';

export function reportCommand(options: { runDir: string; out: string | undefined }, output: Output): number {
  const folder = resolve(options.runDir);
  const out = options.out === undefined ? undefined : resolve(options.out);
  if (isStudyFolder(folder)) {
    const written = writeStudyReport(folder, out);
    const charts = written.charts.length > 0 ? `; charts: ${written.charts.join(', ')}` : '';
    output.out(`Study report written to ${written.html} and ${written.markdown}${charts}`);
    return EXIT.ok;
  }
  const written = writeReport(folder, out);
  output.out(`Report written to ${written.html} and ${written.markdown}`);
  return EXIT.ok;
}
