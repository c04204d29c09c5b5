// SLURM's own commands (sbatch, squeue, sacct, scancel, sinfo), found on PATH and run without a
// shell: their arguments are argv entries, never parsed by one.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type SlurmTool = 'sbatch' | 'squeue' | 'sacct' | 'scancel' | 'sinfo';

export type ToolLookup = { found: true; path: string } | { found: false; searched: string[] };

export function findSlurmTool(tool: SlurmTool, env: NodeJS.ProcessEnv = process.env): ToolLookup {
  const searched = [...new Set((env.PATH ?? '').split(delimiter).filter((folder) => folder !== ''))];
  for (const folder of searched) {
    const path = join(folder, tool);
    try {
      accessSync(path, constants.X_OK);
      return { found: true, path };
    } catch {
      // not here
    }
  }
  return { found: false, searched };
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class SlurmToolMissing extends Error {
  constructor(tool: SlurmTool, searched: readonly string[]) {
    super(
      `${tool} not found: is this a SLURM login node? Looked in PATH: ${searched.join(', ') || '(empty)'}; ` +
        "add SLURM's bin folder to PATH (on many clusters: `module load slurm`)",
    );
    this.name = 'SlurmToolMissing';
  }
}

export function runSlurmTool(tool: SlurmTool, args: readonly string[], timeoutMs = 60_000): ToolResult {
  const lookup = findSlurmTool(tool);
  if (!lookup.found) throw new SlurmToolMissing(tool, lookup.searched);
  const result = spawnSync(lookup.path, args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw new Error(`${tool} could not run: ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
