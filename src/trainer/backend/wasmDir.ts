// Where the wasm backend's .wasm binaries are. tfjs-backend-wasm fetches them at run time from
// beside its own script, which inside the trainer bundle is dist/cli.js; the build copies them to
// dist/wasm (esbuild.config.mjs). From source (tsx, tests) they are in the package's dist folder.
// See https://github.com/tensorflow/tfjs/tree/master/tfjs-backend-wasm#using-bundlers
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { moduleDir, moduleFile } from './moduleLocation';

/** The binary every build of tfjs-backend-wasm can fall back to. */
const MARKER_FILE = 'tfjs-backend-wasm.wasm';

export interface WasmDirOptions {
  /** A folder named by the caller; tried first. */
  wasmDir?: string;
  /** The folder of the running script: dist/ in the bundle (default: this module's folder). */
  scriptDir?: string;
  /** Resolves a package entry; default: require.resolve from this module. */
  resolvePackage?: (request: string) => string;
}

/** The folders tried, in order: the given one, `<scriptDir>/wasm`, the package's own dist folder. */
export function wasmDirCandidates(options: WasmDirOptions = {}): string[] {
  const candidates: string[] = [];
  if (options.wasmDir !== undefined) candidates.push(options.wasmDir);
  candidates.push(join(options.scriptDir ?? moduleDir(), 'wasm'));
  try {
    const resolve = options.resolvePackage ?? createRequire(moduleFile()).resolve;
    // The package's main entry (dist/tf-backend-wasm.node.js) sits beside the binaries.
    candidates.push(dirname(resolve('@tensorflow/tfjs-backend-wasm')));
  } catch {
    // Not resolvable from here (unusual layout); the other candidates may still hold the files.
  }
  return candidates;
}

/**
 * The first candidate folder holding the binaries, with a trailing separator: setWasmPaths
 * concatenates the prefix and the file name. Throws, naming every folder tried, when none does.
 */
export function resolveWasmDir(options: WasmDirOptions = {}, exists: (path: string) => boolean = existsSync): string {
  const candidates = wasmDirCandidates(options);
  const found = candidates.find((dir) => exists(join(dir, MARKER_FILE)));
  if (found === undefined) {
    throw new Error(`wasm backend: ${MARKER_FILE} not found in any of: ${candidates.join(', ')}`);
  }
  return found.endsWith(sep) ? found : found + sep;
}
