// `medtransfer report RUN_DIR [--out DIR]`: writes report.html and report.md.
import { resolve } from 'node:path';
import { writeReport } from '../report/writeReport';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { Output } from './commands';

export function reportCommand(options: { runDir: string; out: string | undefined }, output: Output): number {
  const written = writeReport(resolve(options.runDir), options.out === undefined ? undefined : resolve(options.out));
  output.out(`Report written to ${written.html} and ${written.markdown}`);
  return EXIT.ok;
}
