// Loads the optional backend packages (@tensorflow/tfjs-node, -node-gpu, -backend-webgpu,
// webgpu) at run time with Node's own loader: the trainer bundle marks them external
// (esbuild.config.mjs), and neither a require made by createRequire nor an import() of a
// computed URL is something esbuild rewrites. They are looked up from this module's folder (the
// extension's or CLI's node_modules) and from extra folders such as the workspace's
// node_modules or the global npm prefix.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { moduleDir, moduleFile } from './moduleLocation';
import { errorMessage } from '../../shared/errors/errorMessage';

/** Loads a package by name; rejects when it is missing (see isModuleMissing) or fails to load. */
export type ModuleLoader = (name: string) => Promise<unknown>;

export interface ModuleLoaderOptions {
  /** Extra folders to resolve from: a project folder, or a node_modules folder itself. */
  searchPaths?: readonly string[];
}

export function createModuleLoader(options: ModuleLoaderOptions = {}): ModuleLoader {
  const nodeRequire = createRequire(moduleFile());
  const paths = lookupPaths(options);
  return async (name) => {
    const resolved = nodeRequire.resolve(name, { paths });
    // The `webgpu` package is an ES module ("type": "module"). require() of one fails before
    // Node 20.19 (ERR_REQUIRE_ESM) and warns after, so ES modules go through import().
    if (isEsModule(resolved)) return (await import(pathToFileURL(resolved).href)) as unknown;
    return nodeRequire(resolved) as unknown;
  };
}

/** Where a package would be loaded from (its folder), or undefined when it is not installed. */
export type ModuleLocator = (name: string) => string | undefined;

export function createModuleLocator(options: ModuleLoaderOptions = {}): ModuleLocator {
  const nodeRequire = createRequire(moduleFile());
  const paths = lookupPaths(options);
  return (name) => {
    try {
      return packageFolder(nodeRequire.resolve(name, { paths }), name);
    } catch {
      return undefined;
    }
  };
}

/** `paths` replaces Node's default lookup, so this module's own folder goes first. */
function lookupPaths(options: ModuleLoaderOptions): string[] {
  return [moduleDir(), ...(options.searchPaths ?? [])];
}

/** The package's folder (…/node_modules/<name>) from the path of its entry file. */
function packageFolder(entry: string, name: string): string {
  const marker = join('node_modules', name);
  const at = entry.lastIndexOf(marker);
  return at === -1 ? dirname(entry) : entry.slice(0, at + marker.length);
}

/** By Node's rules: .mjs, or .js under a package.json with "type": "module". */
export function isEsModule(file: string): boolean {
  const extension = extname(file);
  if (extension === '.mjs') return true;
  if (extension !== '.js') return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const manifest: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return typeof manifest === 'object' && manifest !== null && 'type' in manifest && manifest.type === 'module';
    } catch {
      // No (readable) package.json here: look further up.
    }
    if (dirname(dir) === dir) return false;
  }
}

/**
 * True when `error` says the package `name` itself is not installed. A package that is installed
 * but cannot find one of its own files or dependencies (e.g. tfjs-node without its native
 * binding) also throws MODULE_NOT_FOUND, naming that file instead: that is a load failure.
 */
export function isModuleMissing(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'MODULE_NOT_FOUND' && firstLine(error.message).includes(`'${name}'`);
}

/** The first line of an error's message: native load errors can run to many lines. */
export function firstLine(message: string): string {
  return message.split('\n', 1)[0]?.trim() ?? '';
}

/** The first line of whatever was thrown. */
export function errorSummary(error: unknown): string {
  return firstLine(errorMessage(error));
}

/** A MODULE_NOT_FOUND error like Node's, for fake loaders in tests. */
export function moduleNotFoundError(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
}
