// Completion for `pretrained:`: the workspace's weight files and TF.js model folders, as paths
// relative to the experiment's folder (how the trainer resolves them), nearest first.
import { dirname, relative, sep } from 'node:path';

/** The extensions of the weight files MedTransfer reads (the reader is chosen by content; these are the usual names). */
export const WEIGHT_FILE_GLOB = '**/*.{pth,pt,bin,safetensors,h5}';
/** A TF.js layers model folder holds model.json. */
export const MODEL_FOLDER_GLOB = '**/model.json';

export interface PretrainedCandidate {
  /** The path to insert, relative to the experiment's folder, with forward slashes. */
  path: string;
  kind: 'file' | 'folder';
}

function relativeTo(experimentDir: string, path: string): string {
  return relative(experimentDir, path).split(sep).join('/') || '.';
}

/** `weightFiles` and `modelJsonFiles`: absolute paths found in the workspace. */
export function pretrainedCandidates(
  experimentDir: string,
  weightFiles: readonly string[],
  modelJsonFiles: readonly string[],
): PretrainedCandidate[] {
  const candidates: PretrainedCandidate[] = [
    ...weightFiles.map((file) => ({ path: relativeTo(experimentDir, file), kind: 'file' as const })),
    ...modelJsonFiles.map((file) => ({ path: relativeTo(experimentDir, dirname(file)), kind: 'folder' as const })),
  ];
  const depth = (path: string) => path.split('/').filter((part) => part === '..').length;
  return candidates.sort((a, b) => depth(a.path) - depth(b.path) || a.path.localeCompare(b.path));
}
