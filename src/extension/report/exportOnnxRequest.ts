// The pure part of Export Model as ONNX: the CLI arguments, and the file it writes by default.
import { join } from 'node:path';
import { trainerCommandLine } from '../../shared/host/trainerCommandLine';

export const ONNX_FILE_NAME = 'model.onnx';

export function defaultOnnxPath(runDir: string): string {
  return join(runDir, ONNX_FILE_NAME);
}

export function exportOnnxArgs(runDir: string, out: string): string[] {
  return trainerCommandLine({ command: 'export', positionals: [runDir], flags: { format: 'onnx', out } });
}
