// What a `pretrained` path is, for the editor: a missing path, a folder (a TF.js model, checked
// when the run loads it), or a file described by `medtransfer inspect-weights --json` from the
// bundled trainer (one implementation of the readers: the extension does not bundle them; h5wasm
// alone would add 4.2 MB to its 1.3 MB). Answers are kept per file until its size or modification
// time changes, so that typing does not start a process each time. No vscode here.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { trainerCommandLine } from '../../shared/host/trainerCommandLine';
import { isWeightFileDescription } from '../../shared/weights/weightFileDescription';
import type { WeightFileDescription } from '../../shared/weights/weightFileDescription';
import { cliFailure, runCliCommand } from '../explain/cliProcess';

export type Inspection =
  | { kind: 'missing' }
  | { kind: 'folder' }
  | { kind: 'described'; description: WeightFileDescription }
  /** The CLI's refusal ("not a weight file MedTransfer reads…", "truncated…"), or why it could not answer. */
  | { kind: 'refused'; message: string };

export interface InspectorOptions {
  cliPath: string;
  /** The Node runtime for the CLI; by default this process's own. */
  execPath?: () => string | undefined;
}

export class WeightFileInspector {
  private readonly answers = new Map<string, { stamp: string; answer: Promise<Inspection> }>();

  constructor(private readonly options: InspectorOptions) {}

  async inspect(path: string): Promise<Inspection> {
    let stamp: string;
    try {
      const stats = await stat(path);
      if (stats.isDirectory()) return { kind: 'folder' };
      stamp = `${stats.size}:${stats.mtimeMs}`;
    } catch {
      return { kind: 'missing' };
    }
    const kept = this.answers.get(path);
    if (kept?.stamp === stamp) return kept.answer;
    const answer = this.describe(path);
    this.answers.set(path, { stamp, answer });
    return answer;
  }

  private async describe(path: string): Promise<Inspection> {
    const execPath = this.options.execPath?.();
    const args = trainerCommandLine({ command: 'inspect-weights', positionals: [path], flags: { json: true } });
    try {
      const result = await runCliCommand({ cliPath: this.options.cliPath, args, ...(execPath ? { execPath } : {}) });
      if (result.code !== 0) return { kind: 'refused', message: cliFailure(result) };
      const parsed: unknown = JSON.parse(result.stdout);
      if (isWeightFileDescription(parsed)) return { kind: 'described', description: parsed };
      return { kind: 'refused', message: `${basename(path)}: the trainer's description is not one this editor reads` };
    } catch (error) {
      return { kind: 'refused', message: `${basename(path)}: could not be described: ${String(error)}` };
    }
  }
}
